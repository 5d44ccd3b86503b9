"""Read an OpenAI-compatible server-sent-event stream (Databricks serving endpoints, Ollama, vLLM,
llama.cpp server) as chunk objects.

Stream format (Databricks Foundation Model API reference, "Chat task"/"Completion task" with
`stream: true`): https://docs.databricks.com/aws/machine-learning/foundation-model-apis/api-reference
Each event is `data: <chunk JSON>`; the stream ends with `data: [DONE]`.

Before the first chunk a 429, a 5xx or a network error is retried (honouring `Retry-After`) within
the deadline; after it nothing is retried, because the caller has already shown part of an answer.
Leaving the iterator early closes the upstream connection, which is how a client disconnect
cancels the endpoint's work.
"""

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from server.adapters.sdk_errors import explain_refusal
from server.errors import (
    AppError,
    EndpointNotFound,
    ModelInputInvalid,
    ModelTimeout,
    ModelUnavailable,
    PermissionDenied,
)

logger = logging.getLogger(__name__)
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
Chunk = dict[str, Any]


@dataclass(frozen=True)
class StreamTarget:
    """Where to send a streaming request and how to retry it."""

    name: str
    url: str
    headers: Callable[[], Awaitable[dict[str, str]]]
    max_attempts: int
    backoff_seconds: float


def upstream_error(status: int, message: str, name: str) -> AppError:
    """The domain error for a non-retryable endpoint answer."""
    if status == 404:
        return EndpointNotFound(f"No serving endpoint named {name!r}.", endpoint_name=name)
    if status in (401, 403):
        return PermissionDenied(explain_refusal(message), endpoint_name=name)
    return ModelInputInvalid(message, validation_error=message, endpoint_status=status)


def _message(raw: bytes) -> str:
    try:
        body = json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:500]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            body = error
        return str(body.get("message") or body.get("error_code") or body)[:500]
    return str(body)[:500]


def retry_pause(response: httpx.Response) -> float:
    """Seconds the endpoint asked to wait (its Retry-After header), or 0."""
    header = response.headers.get("retry-after", "")
    return float(header) if header.replace(".", "", 1).isdigit() else 0.0


async def _lines(response: httpx.Response, deadline: float) -> AsyncIterator[Chunk]:
    """Chunks of an open 200 response until `[DONE]`. Each read is bounded by the request's
    timeout (the time left when it was sent) and the deadline is checked after every line."""
    try:
        async for line in response.aiter_lines():
            if time.monotonic() > deadline:
                raise ModelTimeout("The stream did not finish within the timeout.")
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return
            chunk = json.loads(data)
            if isinstance(chunk, dict) and ("error" in chunk or "error_code" in chunk):
                raise ModelUnavailable(f"The endpoint failed mid-stream: {_message(data.encode())}")
            yield chunk
    except httpx.TimeoutException as exc:
        raise ModelTimeout("The stream did not finish within the timeout.") from exc
    except httpx.TransportError as exc:
        raise ModelUnavailable("The endpoint's stream broke.", cause=type(exc).__name__) from exc
    raise ModelUnavailable("The endpoint's stream ended before [DONE].")


async def _open(
    http: httpx.AsyncClient, target: StreamTarget, body: dict[str, Any], deadline: float
) -> httpx.Response | tuple[float, str]:
    """An open 200 response, or (seconds to wait, problem) for a retryable failure."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ModelTimeout("No answer within the timeout.")
    request = http.build_request(
        "POST", target.url, json={**body, "stream": True}, headers=await target.headers()
    )
    request.extensions["timeout"] = httpx.Timeout(remaining).as_dict()
    try:
        response = await http.send(request, stream=True)
    except httpx.TimeoutException as exc:
        raise ModelTimeout("No answer within the timeout.") from exc
    except httpx.TransportError as exc:
        return 0.0, f"{type(exc).__name__}: {exc}"
    if response.status_code == 200:
        return response
    raw = await response.aread()
    await response.aclose()
    if response.status_code not in RETRYABLE_STATUS:
        raise upstream_error(response.status_code, _message(raw), target.name)
    return retry_pause(response), f"HTTP {response.status_code}: {_message(raw)}"


async def stream_chunks(
    http: httpx.AsyncClient, target: StreamTarget, body: dict[str, Any], timeout_seconds: float
) -> AsyncIterator[Chunk]:
    """The endpoint's chunks for `body` (sent with `stream: true`)."""
    deadline = time.monotonic() + timeout_seconds
    problem = "no attempt made"
    for attempt in range(1, target.max_attempts + 1):
        opened = await _open(http, target, body, deadline)
        if isinstance(opened, httpx.Response):
            try:
                async for chunk in _lines(opened, deadline):
                    yield chunk
            finally:
                await opened.aclose()
            return
        pause, problem = opened
        if attempt == target.max_attempts:
            break
        pause = max(pause, target.backoff_seconds * 2 ** (attempt - 1) * (1 + random.random()))
        if time.monotonic() + pause >= deadline:
            raise ModelTimeout(f"No answer within {timeout_seconds:g} s.", attempts=attempt)
        logger.warning("retrying chat stream", extra={"attempt": attempt, "problem": problem})
        await asyncio.sleep(pause)
    raise ModelUnavailable(
        f"Endpoint {target.name!r} is unavailable after {target.max_attempts} attempts.",
        attempts=target.max_attempts,
        last_error=problem,
    )
