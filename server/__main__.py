"""`python -m server`: validate settings, prepare the local workspace, start uvicorn: the app
in this process, or WEB_CONCURRENCY worker processes under this one (`server/workers.py`)."""

import ipaddress
import logging
import signal
import socket
import sys
from typing import Any

from pydantic import ValidationError

from server.config import Settings, describe_validation_error
from server.native_threads import one_native_thread_per_call
from server.observability.logging import configure_logging
from server.signals import exit_on_sigterm

GRACEFUL_SHUTDOWN_SECONDS = 5
# The same for one process and for each worker.
UVICORN_OPTIONS: dict[str, Any] = {
    "log_config": None,
    "proxy_headers": True,
    "server_header": False,
    "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
}


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
    one_native_thread_per_call()
    signal.signal(signal.SIGTERM, exit_on_sigterm)
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
    workers = settings.workers
    if workers > 1:
        return _serve_workers(settings, url, workers)
    from server.app import create_app

    app = create_app(settings)
    _announce(settings, url, workers)
    import uvicorn

    uvicorn.run(app, host=settings.host, port=settings.listen_port, **UVICORN_OPTIONS)
    return 0


def _announce(settings: Settings, url: str, workers: int) -> None:
    logging.getLogger("server").info(
        f"serving on {url} (mode={settings.mode}, workers={workers})", extra={"workers": workers}
    )
    print(f"App: {url}  (mode={settings.mode}; API docs at {url}/docs)", flush=True)


def _serve_workers(settings: Settings, url: str, workers: int) -> int:
    from server.bootstrap import prepare_shared_files
    from server.workers import run_workers

    prepare_shared_files(settings)  # once, before the workers would build them at once
    _announce(settings, url, workers)
    return run_workers(workers, settings.host, settings.listen_port, **UVICORN_OPTIONS)


if __name__ == "__main__":
    sys.exit(main())
