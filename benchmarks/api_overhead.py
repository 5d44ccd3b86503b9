"""The app over HTTP (one server process, local mode) against the engines called directly:
a 100-row page of samples.nyctaxi.trips, an invocation of taxi-fare-regressor, the last page
against the first, preferences GET/POST, 10 concurrent users against 1, and start-up time.

The API side of "API p50 - engine p50" is timed by wrk over one connection where wrk is
installed (`benchmarks/wrk.py`): a Python client's own time per request (about half a
millisecond) would otherwise count as the app's. Rounds of wrk and of engine calls alternate."""

import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from benchmarks.app_server import running_app
from benchmarks.stats import Report, Series, Trial, interleaved
from benchmarks.wrk import Call, available, run_wrk
from server.config import PROJECT_ROOT
from server.local_workspace.result_tables import ResultTables
from server.local_workspace.serving import LocalServing
from server.local_workspace.setup import catalog_dir, ensure_models

WORKSPACE = PROJECT_ROOT / "local_workspace_data"
TRIPS = {"catalog": "samples", "schema": "nyctaxi", "table": "trips"}
TRIP = {"trip_distance": 3.2, "trip_duration_minutes": 14, "pickup_hour": 8}
HEADERS = {"X-Forwarded-Email": "admin@example.com"}
ROUNDS = 200
WRK_ROUNDS = 5
WRK_SECONDS = 2


def _api_against_engine(
    url: str, call: Call, engine: Trial, fallback: Trial
) -> tuple[dict[str, float], Series]:
    """p50/p95 of the API (wrk, one connection; else `fallback` by a Python client) and the
    engine's series, in alternating rounds."""
    if not available():
        runs = interleaved({"api": fallback, "engine": engine}, ROUNDS)
        return {"p50": runs["api"].p50, "p95": runs["api"].p95}, runs["engine"]
    run_wrk(url, call, 1, 1)  # warm-up
    loads, direct = [], Series("engine")
    for _ in range(WRK_ROUNDS):
        loads.append(run_wrk(url, call, 1, WRK_SECONDS))
        direct.samples += interleaved({"engine": engine}, ROUNDS // WRK_ROUNDS)["engine"].samples
    api = {
        "p50": statistics.median(load.p50_ms for load in loads),
        "p95": statistics.median(load.p95_ms for load in loads),
    }
    return api, direct


def _gap(report: Report, name: str, api: dict[str, float], engine: Series) -> None:
    gap = api["p50"] - engine.p50
    detail = {
        "load": "wrk, 1 connection" if available() else "httpx",
        "api p50": round(api["p50"], 3),
        "api p95": round(api["p95"], 3),
        "engine p50": round(engine.p50, 3),
        "engine p95": round(engine.p95, 3),
    }
    report.add(name, gap, "ms", "<= 1.5 ms", gap <= 1.5, detail=detail)


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=HEADERS)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def _pages(report: Report, client: httpx.Client) -> None:
    first = _post(client, "/api/unity-catalog/query", {**TRIPS, "limit": 100})
    total, query_id = first["total_row_count"], first["query_id"]
    results = ResultTables.open(catalog_dir(WORKSPACE))
    table = results.create("SELECT * FROM `samples`.`nyctaxi`.`trips`", [], 1_000_000)
    offset = total // 2  # every page costs the same (a rowid range): one offset for both sides
    page_body = {**TRIPS, "limit": 100, "offset": offset, "query_id": query_id}

    def api_first() -> object:
        return _post(
            client, "/api/unity-catalog/query", {**TRIPS, "limit": 100, "query_id": query_id}
        )

    def api_last() -> object:
        body = {**TRIPS, "limit": 100, "offset": total - 100, "query_id": query_id}
        return _post(client, "/api/unity-catalog/query", body)

    api, engine = _api_against_engine(
        str(client.base_url).rstrip("/"),
        Call("page", "POST", "/api/unity-catalog/query", json.dumps(page_body), HEADERS),
        lambda: results.page(table, offset, 100),
        lambda: _post(client, "/api/unity-catalog/query", page_body),
    )
    _gap(report, "100-row page of trips: API p50 - DuckDB p50 (kept result)", api, engine)
    runs = interleaved({"first": api_first, "last": api_last}, ROUNDS)
    results.close()
    ratio = runs["last"].p50 / runs["first"].p50
    report.add(
        "last page / first page of trips (120k rows), API p50",
        ratio,
        "x",
        "<= 1.3x",
        ratio <= 1.3,
        detail=_both(runs["last"], runs["first"]),
    )
    fresh = interleaved(
        {
            "new statement": lambda: _post(
                client, "/api/unity-catalog/query", {**TRIPS, "limit": 100}
            )
        },
        20,
    )["new statement"]
    report.add(
        "first page of trips, new statement (runs it once), API p50",
        fresh.p50,
        "ms",
        detail={"p95": round(fresh.p95, 3)},
    )


def _invoke(report: Report, client: httpx.Client) -> None:
    serving = LocalServing(PROJECT_ROOT / "config" / "serving_endpoints.json", WORKSPACE)
    endpoint = serving.endpoint("taxi-fare-regressor")
    assert endpoint is not None
    body = {"endpoint_name": "taxi-fare-regressor", "inputs": TRIP}
    api, engine = _api_against_engine(
        str(client.base_url).rstrip("/"),
        Call("invoke", "POST", "/api/model-serving/invoke", json.dumps(body), HEADERS),
        lambda: serving.score(endpoint, {"dataframe_records": [TRIP]}),
        lambda: _post(client, "/api/model-serving/invoke", body),
    )
    _gap(report, "invoke taxi-fare-regressor: API p50 - direct score p50", api, engine)


def _preferences(report: Report, url: str) -> None:
    with httpx.Client(base_url=url) as client:
        value = {"preference_key": "theme", "preference_value": {"mode": "dark"}}
        runs = interleaved(
            {
                "GET": lambda: client.get("/api/preferences", headers=HEADERS).raise_for_status(),
                "POST": lambda: _post(client, "/api/preferences", value),
            },
            ROUNDS,
        )
    for label, series in runs.items():
        report.add(
            f"preferences {label} p50", series.p50, "ms", detail={"p95": round(series.p95, 3)}
        )
    one = _concurrent(url, 1)
    ten = _concurrent(url, 10)
    ratio = ten.p95 / one.p95
    report.add("preferences GET p95, 10 concurrent users / 1", ratio, "x", detail=_both(ten, one))


def _concurrent(url: str, users: int, requests_each: int = 40) -> Series:
    def user(index: int) -> list[float]:
        samples = []
        headers = {"X-Forwarded-Email": f"bench{index}@example.com"}
        with httpx.Client(base_url=url) as client:
            for _ in range(requests_each):
                started = time.perf_counter()
                client.get("/api/preferences", headers=headers).raise_for_status()
                samples.append((time.perf_counter() - started) * 1000)
        return samples

    with ThreadPoolExecutor(users) as pool:
        samples = [s for batch in pool.map(user, range(users)) for s in batch]
    return Series(f"{users} user{'s' if users > 1 else ''}", samples)


def _both(a: Series, b: Series) -> dict[str, float]:
    return {
        f"{a.label} p50": round(a.p50, 3),
        f"{a.label} p95": round(a.p95, 3),
        f"{b.label} p50": round(b.p50, 3),
        f"{b.label} p95": round(b.p95, 3),
    }


def run(report: Report) -> None:
    """Every figure measured against one local app process."""
    ensure_models(WORKSPACE)
    with running_app({"APP_MODE": "local"}) as app:
        report.add("start-up to a ready /health/ready (local mode)", app.ready_seconds, "s")
        with httpx.Client(base_url=app.url) as client:
            _pages(report, client)
            _invoke(report, client)
        _preferences(report, app.url)
