"""The server process's life in end-to-end tests: start it with its output in a log, wait until it
is ready, stop it and check that nothing it started is left running."""

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from server.config import PROJECT_ROOT

STOP_WITHIN_SECONDS = 15


def alive(pid: int) -> bool:
    """True while the process runs (a zombie has stopped)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def start_server(env: dict[str, str], log: Path, **popen: Any) -> subprocess.Popen[bytes]:
    """`python -m server` with `env`, its output appended to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "server"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=out,
            **popen,
        )


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait for /health/ready to answer 200; fail with the log's tail if it never does."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{url}/health/ready", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server not ready: {log.read_text()[-3000:]}")


def server_family(process: subprocess.Popen[bytes], pgdata: Path) -> list[int]:
    """The server's processes (its descendants) and the embedded PostgreSQL it runs."""
    postmaster = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    assert alive(postmaster)
    return [postmaster, *(p.pid for p in psutil.Process(process.pid).children(recursive=True))]


def assert_stops_cleanly(
    process: subprocess.Popen[bytes], stop: Callable[[], None], pgdata: Path, log: Path
) -> None:
    """`stop` the server: it exits and leaves none of its processes and no PostgreSQL running."""
    family = server_family(process, pgdata)
    started = time.monotonic()
    stop()
    process.wait(timeout=STOP_WITHIN_SECONDS)
    while any(alive(pid) for pid in family) and time.monotonic() - started < 5:
        time.sleep(0.1)
    assert [pid for pid in family if alive(pid)] == [], log.read_text()[-3000:]
    assert not (pgdata / "postmaster.pid").exists()


def run_server(env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m server` with `env`, to completion (a server that is expected not to start)."""
    return subprocess.run(
        [sys.executable, "-m", "server"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_second_server_refused(env: dict[str, str]) -> None:
    """A second server on the same port says the app is already running and exits 3."""
    second = run_server(env)
    assert second.returncode == 3
    assert "already running" in second.stderr
