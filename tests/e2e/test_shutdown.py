"""Stopping the real server process (`python -m server`, what `make run` starts) leaves nothing
running: not the embedded PostgreSQL it started, not any other child process."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from emulator.serve import free_port
from server.config import PROJECT_ROOT

STOP_WITHIN_SECONDS = 15


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def private_workspace(tmp_path: Path, workspace_dir: Path) -> Path:
    """The shared sample data and models, with a PostgreSQL data directory of its own, so no
    other process (this test run included) shares the embedded server."""
    private = tmp_path / "workspace"
    private.mkdir()
    for part in ("catalogs", "models"):
        (private / part).symlink_to(workspace_dir / part)
    return private


def _start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "server"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out
        )


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
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


def _assert_trace_id_logged(log: Path, path: str) -> None:
    """Without any OTEL_* variable, the access log line still carries a trace id."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("path") == path]
    assert access and re.fullmatch(r"[0-9a-f]{32}", access[-1].get("trace_id", "")), access


@pytest.fixture
def server_env(private_workspace: Path) -> Iterator[dict[str, str]]:
    """The environment of a local-mode server on a free port and the private workspace."""
    env = {
        **os.environ,
        "PORT": str(free_port()),
        "APP_MODE": "local",
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",  # log lines reach the file as they are written
        "LOCAL_WORKSPACE_DIR": str(private_workspace),
    }
    for name in ("DATABRICKS_APP_PORT", "DATABASE_URL", "PGHOST"):
        env.pop(name, None)
    yield env


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_signal_stops_the_app_and_its_embedded_postgres(
    signum: signal.Signals, server_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    url = f"http://127.0.0.1:{server_env['PORT']}"
    process = _start(server_env, log)
    try:
        _wait_ready(url, process, log)
        assert httpx.get(f"{url}/api/preferences", timeout=10).status_code == 200
        _assert_trace_id_logged(log, "/api/preferences")
        pgdata = Path(server_env["LOCAL_WORKSPACE_DIR"]) / "pgdata"
        postmaster = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        assert _alive(postmaster)
        family = [postmaster, *(p.pid for p in psutil.Process(process.pid).children(True))]

        second = subprocess.run(
            [sys.executable, "-m", "server"],
            cwd=PROJECT_ROOT,
            env=server_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 3
        assert "already running" in second.stderr

        started = time.monotonic()
        process.send_signal(signum)
        process.wait(timeout=STOP_WITHIN_SECONDS)
        while any(_alive(pid) for pid in family) and time.monotonic() - started < 5:
            time.sleep(0.1)
        assert [pid for pid in family if _alive(pid)] == [], log.read_text()[-3000:]
        assert not (pgdata / "postmaster.pid").exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
