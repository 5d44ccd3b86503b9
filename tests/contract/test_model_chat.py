"""Chat, completions and embeddings endpoints: the app's chat route and invoke pass-through in both
modes, and the emulator's fidelity through the OpenAI client that databricks-sdk configures."""

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from emulator.serve import serve_in_thread
from server.app import create_app
from server.config import Settings
from tests.conftest import Emulator, ModeClient, TokenFactory

ALICE = "alice@example.com"
QUESTION = [{"role": "user", "content": "How does the app get a Lakebase token?"}]


def _chat(mc: ModeClient, **body: Any) -> httpx.Response:
    payload = {"endpoint_name": "docs-assistant", "messages": QUESTION, **body}
    return mc.client.post("/api/model-serving/chat", json=payload, headers=mc.headers(ALICE))


def _events(text: str) -> list[tuple[str, str]]:
    """(event name, data) of each server-sent event."""
    found = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines.get("event", "message"), lines["data"]))
    return found


@pytest.fixture
def serving(emulator: Emulator) -> Iterator[Emulator]:
    """The emulator with its serving controls reset after the test."""
    yield emulator
    emulator.serving.reset()


def test_endpoints_report_their_task(mode_client: ModeClient) -> None:
    listed = mode_client.client.get(
        "/api/model-serving/endpoints", headers=mode_client.headers(ALICE)
    ).json()
    tasks = {e["endpoint_name"]: e["task"] for e in listed}
    assert tasks["docs-assistant"] == "llm/v1/chat"
    assert tasks["docs-embeddings"] == "llm/v1/embeddings"
    assert tasks["taxi-fare-regressor"] is None


def test_chat_whole_answer(mode_client: ModeClient) -> None:
    response = _chat(mode_client, stream=False, temperature=0)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert re.match(r"From (README|docs/\S+)\.md", body["choices"][0]["message"]["content"])
    assert body["choices"][0]["finish_reason"] == "stop"
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_chat_streams_chunks_then_done(mode_client: ModeClient) -> None:
    response = _chat(mode_client, max_tokens=5, temperature=0)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert events[-1] == ("message", "[DONE]")
    chunks = [json.loads(data) for _, data in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert len(text.split()) == 5
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 5


def test_chat_is_logged_with_time_to_first_token(mode_client: ModeClient) -> None:
    _chat(mode_client, max_tokens=7)
    latest = mode_client.client.get(
        "/api/model-serving/history?limit=1", headers=mode_client.headers(ALICE)
    ).json()[0]
    assert latest["endpoint_name"] == "docs-assistant"
    assert latest["status"] == "SUCCESS"
    assert latest["completion_tokens"] == 7 and latest["prompt_tokens"] > 0
    assert 0 < latest["time_to_first_token_ms"] <= latest["execution_time_ms"]
    assert latest["predictions"]["finish_reason"] == "length"


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [("taxi-fare-regressor", "not a chat endpoint"), ("churn-scorer", "not READY")],
)
def test_chat_refuses_other_endpoints(
    mode_client: ModeClient, endpoint: str, expected: str
) -> None:
    response = _chat(mode_client, endpoint_name=endpoint)
    assert response.status_code in (400, 409)
    assert response.headers["content-type"].startswith("application/json")
    assert expected in response.json()["message"]


def test_chat_body_is_validated(mode_client: ModeClient) -> None:
    for body in (
        {"messages": []},
        {"temperature": 3},
        {"messages": [{"role": "x", "content": "y"}]},
    ):
        response = _chat(mode_client, **body)
        assert response.status_code == 422, body
        assert response.json()["error_code"] == "VALIDATION_ERROR"


def test_embeddings_through_invoke(mode_client: ModeClient) -> None:
    response = mode_client.client.post(
        "/api/model-serving/invoke",
        json={
            "endpoint_name": "docs-embeddings",
            "inputs": {"input": ["lakebase token", "tables"]},
        },
        headers=mode_client.headers(ALICE),
    )
    assert response.status_code == 200, response.text
    answer = response.json()["predictions"]
    vectors = [d["embedding"] for d in answer["data"]]
    assert len(vectors) == 2 and len(vectors[0]) == len(vectors[1]) > 8
    assert sum(v * v for v in vectors[0]) == pytest.approx(1.0, abs=1e-3)
    assert answer["usage"]["prompt_tokens"] == 3


def test_completions_through_invoke(mode_client: ModeClient) -> None:
    response = mode_client.client.post(
        "/api/model-serving/invoke",
        json={
            "endpoint_name": "docs-completions",
            "inputs": {"prompt": "deploy the bundle", "max_tokens": 4},
        },
        headers=mode_client.headers(ALICE),
    )
    assert response.status_code == 200, response.text
    choice = response.json()["predictions"]["choices"][0]
    assert len(choice["text"].split()) == 4 and choice["finish_reason"] == "length"


@pytest.mark.parametrize(
    ("endpoint", "inputs", "expected"),
    [
        ("docs-assistant", {"dataframe_records": [{"x": 1}]}, "unknown field 'dataframe_records'"),
        ("docs-assistant", {"messages": [{"role": "user"}]}, "missing required field"),
        ("docs-embeddings", {"messages": QUESTION}, "unknown field 'messages'"),
        ("docs-assistant", "hello", "takes a JSON object"),
        ("taxi-fare-regressor", {"messages": QUESTION}, "does not take 'messages'"),
    ],
)
def test_wrong_format_names_the_expected_one(
    mode_client: ModeClient, endpoint: str, inputs: Any, expected: str
) -> None:
    response = mode_client.client.post(
        "/api/model-serving/invoke",
        json={"endpoint_name": endpoint, "inputs": inputs},
        headers=mode_client.headers(ALICE),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "INVALID_MODEL_INPUT"
    assert expected in body["message"]
    assert body["technical_details"]["expected_format"]


def _user_headers(user_token: TokenFactory) -> dict[str, str]:
    return {"X-Forwarded-Email": ALICE, "X-Forwarded-Access-Token": user_token(ALICE)}


@pytest.fixture
def served_app(databricks_settings: Settings) -> Iterator[str]:
    """The app in databricks mode on a real socket, so streams and disconnects are real."""
    with serve_in_thread(create_app(databricks_settings)) as url:
        yield url


def test_chunks_arrive_while_the_endpoint_is_still_producing(
    served_app: str, serving: Emulator, user_token: TokenFactory
) -> None:
    serving.serving.token_delay_seconds = 0.15
    arrivals = []
    body = {"endpoint_name": "docs-assistant", "messages": QUESTION, "max_tokens": 8}
    with httpx.stream(
        "POST",
        f"{served_app}/api/model-serving/chat",
        json=body,
        headers=_user_headers(user_token),
        timeout=30,
    ) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                arrivals.append((time.monotonic(), line))
    assert arrivals[-1][1] == "data: [DONE]"
    assert arrivals[-1][0] - arrivals[0][0] > 1.0


def test_client_disconnect_cancels_the_upstream_call(
    served_app: str, serving: Emulator, user_token: TokenFactory
) -> None:
    serving.serving.token_delay_seconds = 0.2
    cancelled = serving.serving.cancelled_streams
    body = {"endpoint_name": "docs-assistant", "messages": QUESTION}
    with httpx.stream(
        "POST",
        f"{served_app}/api/model-serving/chat",
        json=body,
        headers=_user_headers(user_token),
        timeout=30,
    ) as response:
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
        assert "chat.completion.chunk" in first
    deadline = time.monotonic() + 5
    while serving.serving.cancelled_streams == cancelled and time.monotonic() < deadline:
        time.sleep(0.05)
    assert serving.serving.cancelled_streams == cancelled + 1
    time.sleep(0.3)
    history = httpx.get(
        f"{served_app}/api/model-serving/history?limit=1", headers=_user_headers(user_token)
    ).json()
    assert history[0]["status"] == "ERROR"
    assert "disconnected" in history[0]["error_message"]


def test_retryable_failures_before_the_first_chunk_are_retried(
    databricks_client: Any, serving: Emulator, user_token: TokenFactory
) -> None:
    serving.serving.failure_statuses = [429, 503]
    serving.serving.retry_after_seconds = 1
    invocations = serving.serving.invocations
    started = time.monotonic()
    response = databricks_client.post(
        "/api/model-serving/chat",
        json={"endpoint_name": "docs-assistant", "messages": QUESTION, "max_tokens": 3},
        headers=_user_headers(user_token),
    )
    assert response.status_code == 200
    assert _events(response.text)[-1] == ("message", "[DONE]")
    assert serving.serving.invocations == invocations + 3
    assert time.monotonic() - started >= 2


def test_unavailable_before_the_first_chunk_is_an_envelope(
    databricks_client: Any, serving: Emulator, user_token: TokenFactory
) -> None:
    serving.serving.failure_statuses = [503] * 5
    response = databricks_client.post(
        "/api/model-serving/chat",
        json={"endpoint_name": "docs-assistant", "messages": QUESTION},
        headers=_user_headers(user_token),
    )
    assert response.status_code == 503
    assert response.json()["error_code"] == "MODEL_UNAVAILABLE"
    assert response.headers["retry-after"] == "30"


def test_failure_after_the_first_chunk_is_an_error_event(
    databricks_client: Any, serving: Emulator, user_token: TokenFactory
) -> None:
    serving.serving.break_after_chunks = 3
    response = databricks_client.post(
        "/api/model-serving/chat",
        json={"endpoint_name": "docs-assistant", "messages": QUESTION},
        headers=_user_headers(user_token),
    )
    assert response.status_code == 200
    events = _events(response.text)
    assert [name for name, _ in events] == ["message"] * 3 + ["error"]
    envelope = json.loads(events[-1][1])
    assert envelope["error_code"] == "MODEL_UNAVAILABLE"
    assert envelope["technical_details"]["request_id"] == response.headers["x-request-id"]


def test_slow_first_token_times_out(
    databricks_client: Any, serving: Emulator, user_token: TokenFactory
) -> None:
    serving.serving.latency_seconds = 4
    started = time.monotonic()
    response = databricks_client.post(
        "/api/model-serving/chat",
        json={"endpoint_name": "docs-assistant", "messages": QUESTION, "timeout_seconds": 1},
        headers=_user_headers(user_token),
    )
    assert response.status_code == 504
    assert response.json()["error_code"] == "MODEL_TIMEOUT"
    assert time.monotonic() - started < 3


def test_endpoint_rejection_before_the_stream_is_passed_on(
    databricks_client: Any, serving: Emulator, user_token: TokenFactory
) -> None:
    serving.serving.reject_message = "context length exceeded"
    response = databricks_client.post(
        "/api/model-serving/chat",
        json={"endpoint_name": "docs-assistant", "messages": QUESTION},
        headers=_user_headers(user_token),
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_MODEL_INPUT"
    assert "context length exceeded" in response.json()["message"]


def test_a_local_endpoint_backed_by_an_openai_compatible_server(
    local_settings: Settings,
    emulator: Emulator,
    user_token: TokenFactory,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Local mode streaming from a real OpenAI-compatible server (here the emulator's
    /serving-endpoints/chat/completions), as it would from Ollama or vLLM."""
    from tests.conftest import app_client

    config = json.loads(local_settings.serving_config_file.read_text())
    config["endpoints"].append(
        {
            "name": "remote-chat",
            "task": "llm/v1/chat",
            "openai_base_url": f"{emulator.url}/serving-endpoints",
            "openai_model": "docs-assistant",
            "openai_api_key_env": "REMOTE_CHAT_KEY",
        }
    )
    (tmp_path / "serving_endpoints.json").write_text(json.dumps(config))
    monkeypatch.setenv("REMOTE_CHAT_KEY", user_token(ALICE))
    settings = local_settings.model_copy(
        update={"serving_config_file": tmp_path / "serving_endpoints.json"}
    )
    body = {"endpoint_name": "remote-chat", "messages": QUESTION, "max_tokens": 4}
    with app_client(create_app(settings)) as client:
        streamed = client.post("/api/model-serving/chat", json=body)
        whole = client.post("/api/model-serving/chat", json={**body, "stream": False})
        monkeypatch.setenv("REMOTE_CHAT_KEY", "not-a-token")
        refused = client.post("/api/model-serving/chat", json=body)
    assert _events(streamed.text)[-1] == ("message", "[DONE]")
    assert whole.json()["usage"]["completion_tokens"] == 4
    assert refused.status_code in (401, 403)
    assert refused.json()["error_code"] in ("AUTH_REQUIRED", "PERMISSION_DENIED")


def test_n_choices_and_stop_sequences(mode_client: ModeClient) -> None:
    response = mode_client.client.post(
        "/api/model-serving/invoke",
        json={
            "endpoint_name": "docs-assistant",
            "inputs": {"messages": QUESTION, "n": 2, "stop": [":"], "temperature": 0},
        },
        headers=mode_client.headers(ALICE),
    )
    assert response.status_code == 200, response.text
    answer = response.json()["predictions"]
    assert [c["index"] for c in answer["choices"]] == [0, 1]
    for choice in answer["choices"]:
        assert choice["message"]["content"].startswith("From ")
        assert ":" not in choice["message"]["content"]
        assert choice["finish_reason"] == "stop"
