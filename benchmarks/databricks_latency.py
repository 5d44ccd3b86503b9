"""The same first page of a table through the databricks adapter (the real SDK) against the
emulator with 100 ms of injected warehouse latency, for 1 and for 10 concurrent users: the app
must wait on the warehouse for several users at once, not one after another.

The emulator runs in a process of its own (`python -m emulator`), and the users are wrk's
connections (`benchmarks/wrk.py`), so the load generator takes little of the two processes' CPU.
Without wrk, ten Python client threads stand in (they take CPU, so the ratio reads higher)."""

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks.app_server import running_app
from benchmarks.stats import Report, Series
from benchmarks.wrk import Call, available, run_wrk
from emulator.serve import free_port
from server.config import PROJECT_ROOT

EMAIL = "alice@example.com"
PRODUCTS = {"catalog": "main", "schema": "samples", "table": "products", "limit": 100}
REQUESTS_EACH = 20
WAREHOUSE_LATENCY_MS = 100
SECONDS = 6


@contextmanager
def emulator_process(latency_ms: float) -> Iterator[tuple[str, dict[str, str]]]:
    """`python -m emulator` with the bundle deployed: its URL and the app's Apps environment."""
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        env_file = Path(scratch) / "app.env"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "emulator",
                f"--port={port}",
                f"--lakebase-port={free_port()}",
                f"--env-file={env_file}",
                f"--warehouse-latency-ms={latency_ms}",
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(process, url)
            lines = env_file.read_text().splitlines()
            yield url, dict(line.split("=", 1) for line in lines if line)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/.well-known/databricks-config", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the emulator was not ready within 120 s")


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


def _percentiles(url: str, headers: dict[str, str]) -> list[dict[str, float]]:
    """p50 and p95 in ms for 1 and for 10 users: wrk's connections, else Python threads."""
    if not available():
        threads = [_users(url, headers, users) for users in (1, 10)]
        return [{"p50": s.p50, "p95": s.p95} for s in threads]
    call = Call("first page", "POST", "/api/unity-catalog/query", json.dumps(PRODUCTS), headers)
    loads = [run_wrk(url, call, users, SECONDS) for users in (1, 10)]
    return [{"p50": s.p50_ms, "p95": s.p95_ms} for s in loads]


def run(report: Report) -> None:
    """p95 of a new statement's first page for 1 and 10 concurrent users, and their ratio."""
    with emulator_process(WAREHOUSE_LATENCY_MS) as (emulator_url, app_env):
        answer = httpx.post(f"{emulator_url}/emulator/tokens", json={"user": EMAIL}, timeout=10)
        headers = {
            "X-Forwarded-Email": EMAIL,
            "X-Forwarded-Access-Token": answer.raise_for_status().json()["access_token"],
        }
        with running_app(app_env) as app:
            report.add(
                "start-up to a ready /health/ready (databricks mode)", app.ready_seconds, "s"
            )
            _users(app.url, headers, 1)  # warm: SDK clients, the warehouse check
            one, ten = _percentiles(app.url, headers)
    ratio = ten["p95"] / one["p95"]
    report.add(
        f"databricks mode, {WAREHOUSE_LATENCY_MS} ms warehouse: first-page p95, 10 users / 1",
        ratio,
        "x",
        "<= 1.2x",
        ratio <= 1.2,
        {
            "load": "wrk" if available() else "Python threads",
            "1 user p50": round(one["p50"], 3),
            "1 user p95": round(one["p95"], 3),
            "10 users p50": round(ten["p50"], 3),
            "10 users p95": round(ten["p95"], 3),
        },
    )
