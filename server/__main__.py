"""`python -m server`: validate settings, prepare the local workspace, start uvicorn."""

import ipaddress
import logging
import os
import signal
import socket
import sys
from types import FrameType

from pydantic import ValidationError

from server.config import Settings, describe_validation_error
from server.observability.logging import configure_logging

GRACEFUL_SHUTDOWN_SECONDS = 5


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends the process like Ctrl-C does: by an exception, so `finally` blocks and
    `atexit` hooks run (uvicorn restores this handler and re-raises the signal after its own
    graceful shutdown; the default handler would kill the process on the spot)."""
    raise SystemExit(128 + signum)


def _one_native_thread_per_call() -> None:
    """Native thread pools (OpenMP in scikit-learn's tree models) start one thread per CPU and
    spin while they wait for work. A server scores many small requests at once, one per blocking
    thread, so those pools only take CPU from the event loop: on 2 CPUs, invoking the fare model
    took 14.6 ms at p50 with the default and 5.5 ms with one thread (`make bench`). Parallelism
    comes from concurrent requests instead. A value the user sets wins; it must be set before a
    native library starts its pool, so this runs first."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port (another `make run`, say)."""
    try:
        unspecified = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        unspecified = False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1" if unspecified else host, port)) == 0


def main() -> int:
    """Start the server; a configuration error prints one line and exits 2, a busy port exits 3."""
    _one_native_thread_per_call()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_validation_error(error), file=sys.stderr)
        return 2
    url = f"http://{settings.host}:{settings.listen_port}"
    if port_in_use(settings.host, settings.listen_port):
        print(
            f"Port {settings.listen_port} is in use: is the app already running at {url}? "
            "Stop it (Ctrl-C) or choose another port with PORT=...",
            file=sys.stderr,
        )
        return 3
    configure_logging(settings.log_level, settings.log_format)
    from server.app import create_app

    app = create_app(settings)
    logging.getLogger("server").info(f"serving on {url} (mode={settings.mode})")
    print(f"App: {url}  (mode={settings.mode}; API docs at {url}/docs)", flush=True)
    import uvicorn

    uvicorn.run(
        app,
        host=settings.host,
        port=settings.listen_port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
