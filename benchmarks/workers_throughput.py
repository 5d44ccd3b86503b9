"""Throughput of 1 and 2 worker processes (WEB_CONCURRENCY), local mode, driven by wrk.

wrk (C, one thread, `apt-get install wrk`) keeps a fixed number of connections busy for a fixed
time, so the load generator takes little of the CPU the app needs; the part is skipped without it.
Both apps run side by side and are measured in turn, round after round. Two calls:
`GET /api/preferences` (a Lakebase read) and a 100-row page of `samples.nyctaxi.trips` past the
first (no `query_id`: each worker finds its own kept result of the same table view, so after one
statement per worker every page is a kept-result page).
"""

import json
import statistics
from contextlib import ExitStack
from pathlib import Path

from benchmarks.app_server import running_app
from benchmarks.stats import Report
from benchmarks.wrk import Call, Load, available, run_wrk
from server.local_workspace.setup import ensure_models

WORKSPACE = Path(__file__).resolve().parent.parent / "local_workspace_data"
WORKER_COUNTS = (1, 2)
CONNECTIONS = 16
SECONDS = 8
ROUNDS = 3
PAGE = {
    "catalog": "samples",
    "schema": "nyctaxi",
    "table": "trips",
    "limit": 100,
    "offset": 1000,
}
HEADERS = {"X-Forwarded-Email": "bench-workers@example.com"}
CALLS = (
    Call("GET /api/preferences", "GET", "/api/preferences", headers=HEADERS),
    Call(
        "100-row page of trips (kept result)",
        "POST",
        "/api/unity-catalog/query",
        json.dumps(PAGE),
        HEADERS,
    ),
)


def _wrk(url: str, call: Call, seconds: int) -> Load:
    return run_wrk(url, call, CONNECTIONS, seconds)


def _median(loads: list[Load]) -> Load:
    return Load(
        statistics.median(load.requests_per_second for load in loads),
        statistics.median(load.p50_ms for load in loads),
        statistics.median(load.p95_ms for load in loads),
    )


def _record(report: Report, call: Call, loads: dict[int, Load]) -> None:
    for count, load in loads.items():
        report.add(
            f"{call.name}, {count} worker{'s' if count > 1 else ''}, {CONNECTIONS} connections",
            load.requests_per_second,
            "req/s",
            detail={"p50 ms": round(load.p50_ms, 2), "p95 ms": round(load.p95_ms, 2)},
        )
    one, two = loads[1], loads[2]
    report.add(
        f"{call.name}: requests/s with 2 workers / 1 worker",
        two.requests_per_second / one.requests_per_second,
        "x",
        detail={"1 worker req/s": round(one.requests_per_second, 1)}
        | {"2 workers req/s": round(two.requests_per_second, 1)},
    )


def run(report: Report) -> None:
    """Requests per second and p50/p95 with WEB_CONCURRENCY=1 and =2, measured in turn."""
    if not available():
        print("skipped: wrk is not installed (apt-get install wrk)", flush=True)
        return
    ensure_models(WORKSPACE)
    with ExitStack() as stack:
        urls = {
            count: stack.enter_context(
                running_app({"APP_MODE": "local", "WEB_CONCURRENCY": str(count)})
            ).url
            for count in WORKER_COUNTS
        }
        for call in CALLS:
            for url in urls.values():
                _wrk(url, call, 2)  # warm-up: pools filled, each worker's result kept
            runs: dict[int, list[Load]] = {count: [] for count in WORKER_COUNTS}
            for _ in range(ROUNDS):
                for count, url in urls.items():
                    runs[count].append(_wrk(url, call, SECONDS))
            _record(report, call, {count: _median(loads) for count, loads in runs.items()})
