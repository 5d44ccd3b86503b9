"""LLM request bodies checked by task, and what a stream's meter records."""

import time
from datetime import UTC, datetime

import pytest

from server.errors import ModelInputInvalid
from server.models.model_serving import InferenceRecord
from server.services.llm_input import endpoint_body
from server.services.model_chat import StreamMeter

CHAT = "llm/v1/chat"


def test_a_valid_chat_body_is_passed_through_unchanged() -> None:
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 5, "stop": ["\n"]}
    assert endpoint_body(body, CHAT) is body


def test_custom_endpoints_get_any_json_unchecked() -> None:
    assert endpoint_body(["anything", 1], "agent/v2/custom") == ["anything", 1]
    assert endpoint_body({"x": 1}, None) == {"x": 1}


@pytest.mark.parametrize(
    ("task", "body", "problem"),
    [
        (CHAT, {"messages": [], "foo": 1}, "unknown field 'foo'"),
        (CHAT, {"prompt": "x"}, "unknown field 'prompt'"),
        (CHAT, {"messages": [{"role": "user", "content": "x"}], "temperature": 9}, "temperature"),
        ("llm/v1/completions", {}, "missing required field 'prompt'"),
        ("llm/v1/embeddings", {"input": "x", "max_tokens": 3}, "unknown field 'max_tokens'"),
    ],
)
def test_wrong_bodies_name_the_problem_and_the_format(
    task: str, body: dict[str, object], problem: str
) -> None:
    with pytest.raises(ModelInputInvalid) as raised:
        endpoint_body(body, task)
    assert problem in raised.value.technical_details["validation_error"]
    assert raised.value.technical_details["expected_format"]
    assert task in raised.value.message


def test_invoke_refuses_stream() -> None:
    with pytest.raises(ModelInputInvalid, match="/api/model-serving/chat"):
        endpoint_body({"messages": [{"role": "user", "content": "x"}], "stream": True}, CHAT)


def _chunk(text: str | None, finish: str | None = None, **extra: object) -> dict[str, object]:
    delta = {"content": text} if text is not None else {}
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}


def test_meter_times_the_first_token_not_the_role_chunk() -> None:
    meter = StreamMeter(time.perf_counter())
    meter.saw({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
    assert meter.first_token_ms is None
    time.sleep(0.01)
    meter.saw(_chunk("Hello "))
    meter.saw(_chunk("world"))
    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    meter.saw(_chunk(None, "stop", usage=usage))
    record = _record()
    meter.fill(record)
    assert record.time_to_first_token_ms is not None and record.time_to_first_token_ms >= 10
    assert record.predictions == {"content": "Hello world", "finish_reason": "stop"}
    assert (record.prompt_tokens, record.completion_tokens) == (3, 2)


def test_meter_counts_chunks_when_the_endpoint_sends_no_usage() -> None:
    meter = StreamMeter(time.perf_counter())
    for piece in ("a ", "b ", "c"):
        meter.saw(_chunk(piece))
    record = _record()
    meter.fill(record)
    assert (record.completion_tokens, record.prompt_tokens) == (3, None)


def _record() -> InferenceRecord:
    return InferenceRecord(
        request_id="r", endpoint_name="e", user_id="u", inputs={}, created_at=datetime.now(UTC)
    )
