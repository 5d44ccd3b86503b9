"""What the app adds to a streamed chat answer: time to first token and time per chunk when the
emulator's stream is read directly, against the same stream relayed by `POST /api/model-serving/chat`
(databricks mode: SDK auth, httpx streaming, SSE re-framing, inference log row)."""

import statistics
import time
from collections.abc import Callable

import httpx

from benchmarks.deployed_emulator import deployed_emulator
from benchmarks.stats import Report
from emulator.serve import serve_in_thread
from emulator.state import Principal
from server.app import create_app
from server.config import Settings

ROUNDS = 15
MAX_TOKENS = 64
MESSAGES = [{"role": "user", "content": "How does the app get a Lakebase token?"}]


def _timed_stream(
    client: httpx.Client, url: str, body: dict[str, object]
) -> tuple[float, float, int]:
    """(ms to the first chunk, ms to [DONE], chunks) of one streamed answer."""
    started = time.perf_counter()
    first, chunks = 0.0, 0
    with client.stream("POST", url, json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line == "data: [DONE]":
                break
            if line.startswith("data:"):
                chunks += 1
                first = first or (time.perf_counter() - started) * 1000
    return first, (time.perf_counter() - started) * 1000, chunks


def _measure(
    trials: dict[str, Callable[[], tuple[float, float, int]]],
) -> dict[str, list[tuple[float, float, int]]]:
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in trials}
    for _ in range(ROUNDS):
        for name, trial in trials.items():
            results[name].append(trial())
    return results


def _report(results: dict[str, list[tuple[float, float, int]]], report: Report) -> None:
    (direct_name, direct), (_, relayed) = results.items()
    ttft = [statistics.median(r[0] for r in runs) for runs in (direct, relayed)]
    total = [statistics.median(r[1] for r in runs) for runs in (direct, relayed)]
    chunks = direct[0][2]
    per_chunk = [(t - f) / max(chunks - 1, 1) for t, f in zip(total, ttft, strict=True)]
    detail = {"rounds": ROUNDS, "chunks": chunks, f"{direct_name} ttft ms": round(ttft[0], 3)}
    report.add(
        "chat: time to first token added by the app", ttft[1] - ttft[0], "ms", "", None, detail
    )
    report.add(
        "chat: time per chunk added by the app",
        (per_chunk[1] - per_chunk[0]) * 1000,
        "µs",
        "",
        None,
        {f"{direct_name} per chunk µs": round(per_chunk[0] * 1000, 1)},
    )


def run(report: Report) -> None:
    """Stream the same answer ROUNDS times each way; report the time the app adds."""
    with deployed_emulator() as deployed:
        token, _ = deployed.state.issue_user_token(Principal("alice@example.com", "alice"))
        with serve_in_thread(create_app(Settings.from_environment(deployed.app_env))) as app_url:
            direct = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60)
            through = httpx.Client(
                headers={
                    "X-Forwarded-Email": "alice@example.com",
                    "X-Forwarded-Access-Token": token,
                },
                timeout=60,
            )
            body = {"messages": MESSAGES, "max_tokens": MAX_TOKENS, "temperature": 0}
            results = _measure(
                {
                    "emulator stream, read directly": lambda: _timed_stream(
                        direct,
                        f"{deployed.url}/serving-endpoints/docs-assistant/invocations",
                        {**body, "stream": True},
                    ),
                    "through POST /api/model-serving/chat": lambda: _timed_stream(
                        through,
                        f"{app_url}/api/model-serving/chat",
                        {**body, "endpoint_name": "docs-assistant"},
                    ),
                }
            )
            direct.close()
            through.close()
    _report(results, report)
