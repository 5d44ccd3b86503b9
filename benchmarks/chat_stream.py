"""What the app adds to a streamed chat answer: time to first token and time per chunk when the
emulator's stream is read directly, against the same stream relayed by `POST /api/model-serving/chat`
(databricks mode: SDK auth, httpx streaming, SSE re-framing, inference log row)."""

import statistics
import time
from collections.abc import Callable

import httpx

from emulator.app import create_emulator, emulator_workspace
from emulator.bundle import load_bundle
from emulator.provision import app_environment
from emulator.serve import free_port, serve_in_thread
from emulator.state import EmulatorState, Principal
from server.app import create_app
from server.config import PROJECT_ROOT, Settings
from server.local_workspace.setup import ensure_models

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


def _report(results: dict[str, list[tuple[float, float, int]]]) -> None:
    (direct_name, direct), (app_name, relayed) = results.items()
    ttft = [statistics.median(r[0] for r in runs) for runs in (direct, relayed)]
    total = [statistics.median(r[1] for r in runs) for runs in (direct, relayed)]
    chunks = direct[0][2]
    per_chunk = [(t - f) / max(chunks - 1, 1) for t, f in zip(total, ttft, strict=True)]
    print(f"\nChat streaming ({ROUNDS} rounds, interleaved, {chunks} chunks per answer)")
    for label, i in ((direct_name, 0), (app_name, 1)):
        print(
            f"  {label:<44} first chunk {ttft[i]:7.2f} ms  total {total[i]:7.2f} ms  "
            f"per chunk {per_chunk[i] * 1000:7.1f} µs"
        )
    print(f"  added time to first token: {ttft[1] - ttft[0]:.2f} ms ({ttft[1] / ttft[0]:.2f}x)")
    print(
        f"  added per-chunk time: {(per_chunk[1] - per_chunk[0]) * 1000:.1f} µs "
        f"({per_chunk[1] / per_chunk[0]:.2f}x)"
    )


def run() -> None:
    """Stream the same answer ROUNDS times each way and print medians and ratios."""
    workspace = PROJECT_ROOT / "local_workspace_data"
    ensure_models(workspace)
    bundle = load_bundle(
        PROJECT_ROOT / "databricks.yml", "dev", {"serving_endpoint": "taxi-fare-regressor"}
    )
    state = EmulatorState()
    settings = Settings(_env_file=None, app_mode="local", local_workspace_dir=workspace)
    emulator = create_emulator(settings, free_port(), state, bundle)
    with serve_in_thread(emulator) as emulator_url:
        env = app_environment(
            emulator.state.deployment,
            bundle.app_yaml,
            emulator_url,
            emulator_workspace(emulator),
            8000,
        )
        token, _ = state.issue_user_token(Principal("alice@example.com", "alice"))
        with serve_in_thread(create_app(Settings.from_environment(env))) as app_url:
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
                        f"{emulator_url}/serving-endpoints/docs-assistant/invocations",
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
    _report(results)
