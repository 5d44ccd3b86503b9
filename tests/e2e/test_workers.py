"""WEB_CONCURRENCY=2: `python -m server` supervises two worker processes on one port. Both come up
on a fresh embedded PostgreSQL (migrating it at once, under the advisory lock), share its data but
not their kept results, and stopping the supervisor stops both and the PostgreSQL."""

import json
import os
import signal
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.e2e.server_lifecycle import (
    assert_second_server_refused,
    assert_stops_cleanly,
    run_server,
    start_server,
    wait_ready,
)

WORKERS = 2
ORDERS = {"catalog": "main", "schema": "samples", "table": "orders", "limit": 5}


def _workers(supervisor: int) -> list[int]:
    """The supervisor's worker processes (not multiprocessing's resource tracker)."""
    children = psutil.Process(supervisor).children()
    return [child.pid for child in children if "spawn_main" in " ".join(child.cmdline())]


def _owner(workers: list[int], port: int, client_port: int) -> int | None:
    """The worker holding the server end of the connection from `client_port`."""
    for pid in workers:
        for conn in psutil.Process(pid).net_connections("tcp"):
            if conn.laddr.port == port and conn.raddr and conn.raddr.port == client_port:
                return pid
    return None


def _call(conn: HTTPConnection, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    payload = None if body is None else json.dumps(body)
    conn.request(method, path, body=payload, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def _connection_to_each(workers: list[int], port: int) -> dict[int, HTTPConnection]:
    """One open connection to each worker, each having answered /health/ready: the kernel hands
    a new connection to whichever worker accepts first, so connect until each has taken one."""
    held: dict[int, HTTPConnection] = {}
    for _ in range(200):
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        status, _ = _call(conn, "GET", "/health/ready")
        assert status == 200
        owner = _owner(workers, port, conn.sock.getsockname()[1])
        if owner is None or owner in held:
            conn.close()
            continue
        held[owner] = conn
        if len(held) == len(workers):
            break
    return held


def _assert_data_shared_and_results_kept_per_worker(
    one: HTTPConnection, other: HTTPConnection
) -> None:
    theme = {"preference_key": "theme", "preference_value": {"mode": "dark"}}
    assert _call(one, "POST", "/api/preferences", theme)[0] == 200
    status, rows = _call(other, "GET", "/api/preferences?preference_key=theme")
    assert status == 200
    assert [row["preference_value"] for row in rows] == [{"mode": "dark"}]

    status, first = _call(one, "POST", "/api/unity-catalog/query", ORDERS)
    assert status == 200
    next_page = {**ORDERS, "offset": 5, "query_id": first["query_id"]}
    _, elsewhere = _call(other, "POST", "/api/unity-catalog/query", next_page)
    assert (elsewhere["result_expired"], elsewhere["result_reused"]) == (True, False)
    _, same = _call(one, "POST", "/api/unity-catalog/query", next_page)
    assert (same["result_expired"], same["result_reused"]) == (False, True)
    assert same["rows"] == elsewhere["rows"]


def _log_lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


@pytest.mark.parametrize("stop", ["SIGTERM", "Ctrl-C"])
def test_two_workers_share_the_port_and_stop_with_the_supervisor(
    stop: str, server_env: dict[str, str], tmp_path: Path
) -> None:
    server_env["WEB_CONCURRENCY"] = str(WORKERS)
    log = tmp_path / "server.log"
    port = int(server_env["PORT"])
    # A session of its own, so Ctrl-C can reach the whole group as a terminal's does.
    process = start_server(server_env, log, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}", process, log)
        workers = _workers(process.pid)
        assert len(workers) == WORKERS
        connections = _connection_to_each(workers, port)
        assert sorted(connections) == sorted(workers), log.read_text()[-3000:]
        _assert_data_shared_and_results_kept_per_worker(*connections.values())
        for conn in connections.values():
            conn.close()

        lines = _log_lines(log)
        assert [line.get("workers") for line in lines if "serving on" in line["message"]] == [2]
        assert sum(line["message"] == "migrations applied" for line in lines) == WORKERS
        assert not [line for line in lines if line["message"].startswith("migrations deferred")]
        assert_second_server_refused(server_env)

        def send() -> None:
            if stop == "SIGTERM":
                process.send_signal(signal.SIGTERM)
            else:
                os.killpg(process.pid, signal.SIGINT)

        pgdata = Path(server_env["LOCAL_WORKSPACE_DIR"]) / "pgdata"
        assert_stops_cleanly(process, send, pgdata, log)
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_workers_that_cannot_start_stop_the_supervisor(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**server_env, "WEB_CONCURRENCY": "2", "LOCAL_GRANTS_FILE": str(tmp_path / "none.json")}
    result = run_server(env, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 3, output[-3000:]
    assert "none.json" in output


@pytest.mark.parametrize("value", ["0", "lots", "1000"])
def test_a_bad_web_concurrency_fails_with_one_line(value: str) -> None:
    result = run_server({**os.environ, "WEB_CONCURRENCY": value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("configuration error: WEB_CONCURRENCY: ")
