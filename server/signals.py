"""How the server's processes (the single one, or each worker) take SIGTERM."""

from types import FrameType


def exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends the process like Ctrl-C does: by an exception, so `finally` blocks and
    `atexit` hooks run (uvicorn restores this handler and re-raises the signal after its own
    graceful shutdown; the default handler would kill the process on the spot)."""
    raise SystemExit(128 + signum)
