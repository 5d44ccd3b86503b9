"""Chat, completions and embeddings endpoints, answered like Databricks foundation-model endpoints.

Request and response shapes: https://docs.databricks.com/aws/machine-learning/foundation-model-apis/api-reference
(OpenAI-compatible: `messages` / `prompt` / `input`, `max_tokens`, `temperature` 0-2, `n`, `stop`,
`stream`; responses with `choices`, `finish_reason` and `usage`; `stream: true` answers with
server-sent events of `chat.completion.chunk` objects ending in `data: [DONE]`). A field the API
does not define is a 400, as foundation-model endpoints answer. OpenAI clients reach the same
endpoints through `POST /serving-endpoints/chat/completions` (and `/completions`, `/embeddings`)
with `model` naming the endpoint, which is what `get_open_ai_client()` of databricks-sdk does.
"""

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import numpy as np
from fastapi.responses import JSONResponse, StreamingResponse

from server.local_workspace.llm_serving import (
    CHAT,
    COMPLETIONS,
    EMBEDDINGS,
    completion_response,
    embeddings_response,
    generate,
    response_chunks,
)
from server.local_workspace.serving import LocalEndpoint, LocalServing

if TYPE_CHECKING:
    from emulator.serving import ServingControls

_COMMON = {"max_tokens", "temperature", "top_p", "top_k", "n", "stop", "stream", "extra_params"}
_BOOKKEEPING = {"client_request_id", "usage_context"}
_FIELDS = {
    CHAT: {"messages", "tools", "tool_choice", "response_format", "logprobs", "top_logprobs"}
    | _COMMON
    | _BOOKKEEPING,
    COMPLETIONS: {"prompt"} | _COMMON | _BOOKKEEPING,
    EMBEDDINGS: {"input", "encoding_format"} | _BOOKKEEPING,
}
_REQUIRED = {CHAT: "messages", COMPLETIONS: "prompt", EMBEDDINGS: "input"}
_ROLES = ("system", "user", "assistant", "tool")


class LlmRequestError(ValueError):
    """A body the endpoint refuses with 400 BAD_REQUEST."""


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list) or not messages:
        raise LlmRequestError("'messages' must be a non-empty array.")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            raise LlmRequestError(f"messages[{index}].role must be one of {list(_ROLES)}.")
        if not isinstance(message.get("content"), str):
            raise LlmRequestError(f"messages[{index}].content must be a string.")


def _check_texts(name: str, value: Any) -> None:
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise LlmRequestError(f"'{name}' must be a string or a non-empty array of strings.")


def _check_numbers(body: dict[str, Any]) -> None:
    max_tokens = body.get("max_tokens", 1)
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise LlmRequestError("'max_tokens' must be a positive integer.")
    temperature = body.get("temperature", 1.0)
    if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
        raise LlmRequestError("'temperature' must be a number between 0 and 2.")
    n = body.get("n", 1)
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 5:
        raise LlmRequestError("'n' must be an integer from 1 to 5.")
    if not isinstance(body.get("stream", False), bool):
        raise LlmRequestError("'stream' must be a boolean.")


def check_body(body: Any, task: str, allow_model: bool) -> None:
    """Raise LlmRequestError unless `body` is a valid request for `task`."""
    if not isinstance(body, dict):
        raise LlmRequestError("The request body must be a JSON object.")
    allowed = _FIELDS[task] | ({"model"} if allow_model else set())
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise LlmRequestError(f"Invalid request: unknown field(s) {unknown} for task {task}.")
    required = _REQUIRED[task]
    if required not in body:
        raise LlmRequestError(f"Invalid request: missing required field '{required}'.")
    if task == CHAT:
        _check_messages(body["messages"])
    else:
        _check_texts(required, body[required])
    _check_numbers(body)


def _encode(response: dict[str, Any], encoding: str | None) -> dict[str, Any]:
    if encoding == "base64":
        for item in response["data"]:
            raw = np.asarray(item["embedding"], dtype="<f4").tobytes()
            item["embedding"] = base64.b64encode(raw).decode()
    return response


async def _events(
    chunks: list[dict[str, Any]], controls: "ServingControls"
) -> AsyncIterator[bytes]:
    """SSE frames, paced by the token delay; a cut stream ends without [DONE]."""
    sent = 0
    try:
        for chunk in chunks:
            if controls.break_after_chunks is not None and sent >= controls.break_after_chunks:
                return
            yield f"data: {json.dumps(chunk)}\n\n".encode()
            sent += 1
            if controls.token_delay_seconds:
                await asyncio.sleep(controls.token_delay_seconds)
        yield b"data: [DONE]\n\n"
        controls.completed_streams += 1
    except (asyncio.CancelledError, GeneratorExit):
        controls.cancelled_streams += 1
        raise


def answer(
    serving: LocalServing,
    endpoint: LocalEndpoint,
    body: dict[str, Any],
    controls: "ServingControls",
) -> JSONResponse | StreamingResponse:
    """The endpoint's answer to a body already checked by `check_body`."""
    task = endpoint.task or ""
    headers = {"served-model-name": endpoint.model_name}
    if task == EMBEDDINGS:
        response = embeddings_response(
            serving.llm.embedder(endpoint.model_path), body, endpoint.model_name
        )
        return JSONResponse(_encode(response, body.get("encoding_format")), headers=headers)
    generations = generate(serving.llm.assistant(endpoint.model_path), body, task)
    if body.get("stream"):
        chunks = list(response_chunks(generations, task, endpoint.model_name))
        return StreamingResponse(
            _events(chunks, controls), media_type="text/event-stream", headers=headers
        )
    return JSONResponse(
        completion_response(generations, task, endpoint.model_name), headers=headers
    )
