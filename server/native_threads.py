"""How many threads native libraries start in an app process (set before they load)."""

import os


def one_native_thread_per_call() -> None:
    """Native thread pools (OpenMP in scikit-learn's tree models) start one thread per CPU and
    spin while they wait for work. A server scores many small requests at once, one per blocking
    thread, so those pools only take CPU from the event loop: on 2 CPUs, invoking the fare model
    took 14.6 ms at p50 with the default and 5.5 ms with one thread (`make bench`). Parallelism
    comes from concurrent requests instead. A value the user sets wins; it must be set before a
    native library starts its pool, so this runs first."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
