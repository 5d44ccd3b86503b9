"""The same first page of a table through the databricks adapter (the real SDK) against the
emulator with 100 ms of injected warehouse latency, for 1 and for 10 concurrent users: the app
must wait on the warehouse for several users at once, not one after another."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from benchmarks.app_server import running_app
from benchmarks.deployed_emulator import deployed_emulator
from benchmarks.stats import Report, Series
from emulator.state import Principal

EMAIL = "alice@example.com"
PRODUCTS = {"catalog": "main", "schema": "samples", "table": "products", "limit": 100}
REQUESTS_EACH = 20


def _users(url: str, headers: dict[str, str], users: int) -> Series:
    def user(_: int) -> list[float]:
        samples = []
        with httpx.Client(base_url=url, timeout=60) as client:
            for _ in range(REQUESTS_EACH):
                started = time.perf_counter()
                client.post(
                    "/api/unity-catalog/query", json=PRODUCTS, headers=headers
                ).raise_for_status()
                samples.append((time.perf_counter() - started) * 1000)
        return samples

    with ThreadPoolExecutor(users) as pool:
        samples = [s for batch in pool.map(user, range(users)) for s in batch]
    return Series(f"{users} user{'s' if users > 1 else ''}", samples)


def run(report: Report) -> None:
    """p95 of a new statement's first page for 1 and 10 concurrent users, and their ratio."""
    with deployed_emulator() as deployed:
        token, _ = deployed.state.issue_user_token(Principal(EMAIL, "alice"))
        headers = {"X-Forwarded-Email": EMAIL, "X-Forwarded-Access-Token": token}
        with running_app(deployed.app_env) as app:
            report.add(
                "start-up to a ready /health/ready (databricks mode)", app.ready_seconds, "s"
            )
            _users(app.url, headers, 1)  # warm: SDK clients, the warehouse check
            deployed.app.state.workspace.controls.latency_seconds = 0.1
            one = _users(app.url, headers, 1)
            ten = _users(app.url, headers, 10)
    ratio = ten.p95 / one.p95
    report.add(
        "databricks mode, 100 ms warehouse: first-page p95, 10 users / 1",
        ratio,
        "x",
        "<= 1.2x",
        ratio <= 1.2,
        {
            "1 user p50": round(one.p50, 3),
            "1 user p95": round(one.p95, 3),
            "10 users p50": round(ten.p50, 3),
            "10 users p95": round(ten.p95, 3),
        },
    )
