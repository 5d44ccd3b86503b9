"""Stopping the real server process (`python -m server`, what `make run` starts) leaves nothing
running: not the embedded PostgreSQL it started, not any other child process."""

import json
import re
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server_lifecycle import (
    assert_second_server_refused,
    assert_stops_cleanly,
    start_server,
    wait_ready,
)


def _access_lines(log: Path, path: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("path") == path]


def _assert_trace_id_logged(log: Path, path: str) -> None:
    """Without any OTEL_* variable, the access log line still carries a trace id."""
    deadline = time.monotonic() + 10  # the line is written once the response has been sent
    while not (access := _access_lines(log, path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert access and re.fullmatch(r"[0-9a-f]{32}", access[-1].get("trace_id", "")), access


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_signal_stops_the_app_and_its_embedded_postgres(
    signum: signal.Signals, server_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    url = f"http://127.0.0.1:{server_env['PORT']}"
    process = start_server(server_env, log)
    try:
        wait_ready(url, process, log)
        assert httpx.get(f"{url}/api/preferences", timeout=10).status_code == 200
        _assert_trace_id_logged(log, "/api/preferences")
        assert_second_server_refused(server_env)
        pgdata = Path(server_env["LOCAL_WORKSPACE_DIR"]) / "pgdata"
        assert_stops_cleanly(process, lambda: process.send_signal(signum), pgdata, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
