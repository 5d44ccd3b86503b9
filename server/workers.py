"""Several uvicorn worker processes on one socket (WEB_CONCURRENCY > 1).

The process started by `python -m server` becomes uvicorn's supervisor: it binds the socket, starts
the workers (fresh interpreters, `spawn`), replaces one that dies, and on SIGTERM or SIGINT sends
each worker SIGTERM and waits for it. Each worker builds the app with `server.app:worker_app`, so
everything in `app.state` (database pool, kept results, loaded models) is per process; each runs
the migrations under their advisory lock and joins the embedded PostgreSQL, which the last worker
to stop shuts down (`server/db/embedded.py`).
"""

import signal
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from server.signals import exit_on_sigterm

WORKER_APP = "server.app:worker_app"


class WorkerConfig(uvicorn.Config):
    """uvicorn's configuration, with SIGTERM made an exception in every worker.

    uvicorn calls `configure_logging` first thing in each worker, before its server takes over
    the signals; the handler installed here is the one it re-raises SIGTERM to after the graceful
    shutdown, so a worker exits with its `atexit` hooks run (telemetry flushed) as the single
    process does. In the supervisor the handler is replaced by the supervisor's own.
    """

    def configure_logging(self) -> None:
        """uvicorn's logging set-up, then the SIGTERM handler (see the class)."""
        super().configure_logging()
        signal.signal(signal.SIGTERM, exit_on_sigterm)


def run_workers(workers: int, host: str, port: int, **options: Any) -> int:
    """Serve with `workers` processes until SIGTERM or SIGINT; 3 when a worker failed to start
    (as `uvicorn.run` exits with one process), else 0."""
    config = WorkerConfig(
        WORKER_APP, factory=True, workers=workers, host=host, port=port, **options
    )
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    failed = any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes)
    return STARTUP_FAILURE if failed else 0
