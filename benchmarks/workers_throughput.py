"""Throughput of 1 and 2 worker processes (WEB_CONCURRENCY), local mode, driven by wrk.

wrk (C, one thread, `apt-get install wrk`) keeps a fixed number of connections busy for a fixed
time, so the load generator takes little of the CPU the app needs; the part is skipped without it.
Both apps run side by side and are measured in turn, round after round. Two calls:
`GET /api/preferences` (a Lakebase read) and a 100-row page of `samples.nyctaxi.trips` past the
first (no `query_id`: each worker finds its own kept result of the same table view, so after one
statement per worker every page is a kept-result page).
"""

import json
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.app_server import running_app
from benchmarks.stats import Report
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
# wrk's Lua hooks: the request, and one machine-readable line at the end (latencies in µs).
SCRIPT = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Forwarded-Email"] = "bench-workers@example.com"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass
class Load:
    """One wrk run: requests per second and latency percentiles in milliseconds."""

    requests_per_second: float
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class Call:
    """A request wrk repeats."""

    name: str
    method: str
    path: str
    body: str | None = None


CALLS = (
    Call("GET /api/preferences", "GET", "/api/preferences"),
    Call(
        "100-row page of trips (kept result)", "POST", "/api/unity-catalog/query", json.dumps(PAGE)
    ),
)


@contextmanager
def _script(call: Call) -> Iterator[Path]:
    body = "nil" if call.body is None else json.dumps(call.body)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "call.lua"
        path.write_text(SCRIPT.format(method=call.method, body=body))
        yield path


def _wrk(url: str, call: Call, seconds: int) -> Load:
    with _script(call) as script:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url + call.path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50_us, p95_us, errors = (int(v) for v in line.split()[1:])
    if errors:
        raise RuntimeError(f"wrk saw {errors} failed requests on {call.name}:\n{out}")
    return Load(requests / (duration_us / 1e6), p50_us / 1000, p95_us / 1000)


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
    if shutil.which("wrk") is None:
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
