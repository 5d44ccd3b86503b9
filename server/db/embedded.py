"""The embedded PostgreSQL for local mode: PostgreSQL 16 from the `pgserver` wheel, on a socket.

Several processes may share one data directory (`make run` and a test run, say). pgserver keeps
the ids of the processes using it in `.handle_pids.json` and leaves stopping to an `atexit` hook,
which never runs when a process dies by a signal (uvicorn re-raises SIGTERM after its graceful
shutdown) and which refuses to stop while the ids of dead processes are still listed. So this
module stops the server itself: when the last user in this process releases it and no other live
process is listed, it runs `pg_ctl stop -m fast`.
"""

import atexit
import logging
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

from pgserver import PostgresServer  # type: ignore[attr-defined]
from pgserver._commands import pg_ctl  # type: ignore[attr-defined]
from pgserver.utils import DiskList

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_users: dict[Path, int] = {}
_HANDLES = ".handle_pids.json"


def _start(data_dir: Path) -> PostgresServer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset on servers
        # cleanup_mode=None: pgserver's own atexit hook only forgets this process; we stop it.
        return PostgresServer(data_dir, cleanup_mode=None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_users(data_dir: Path) -> list[int]:
    """Ids of the live processes listed as using the server in `data_dir` (dead ones pruned)."""
    handles = DiskList(data_dir / _HANDLES)
    listed: list[int] = handles.get()
    alive = [pid for pid in listed if _alive(pid)]
    if alive != listed:
        handles.put(alive)
    return alive


def _stop_if_unused(server: PostgresServer) -> None:
    with PostgresServer._lock:
        DiskList(server.pgdata / _HANDLES).get_and_remove(os.getpid())
        if live_users(server.pgdata):
            return
        if not (server.pgdata / "postmaster.pid").exists():
            return
        logger.info("stopping the embedded PostgreSQL", extra={"path": str(server.pgdata)})
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def acquire_embedded_postgres(data_dir: Path) -> tuple[str, Callable[[], None]]:
    """Start (or join) the embedded server in `data_dir`: its SQLAlchemy URL and a `release`
    function to call once when done; the last release (in every process) stops the server."""
    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with _lock:
        live_users(data_dir)
        server = _start(data_dir)
        _users[data_dir] = _users.get(data_dir, 0) + 1
    released = threading.Event()

    def release() -> None:
        if released.is_set():
            return
        released.set()
        atexit.unregister(release)
        with _lock:
            _users[data_dir] -= 1
            if _users[data_dir] == 0:
                del _users[data_dir]
                _stop_if_unused(server)

    atexit.register(release)  # a process that exits without closing its database
    uri = str(server.get_uri())
    return uri.replace("postgresql://", "postgresql+psycopg://", 1), release
