"""Chat with a serving endpoint: only READY chat endpoints, the conversation validated first, the
answer whole or streamed, and one inference log row per call with time to first token and usage.

A streamed call is opened until its first chunk arrives, so that every failure before it is an
ordinary domain error (an error envelope for the client); failures after it end the stream.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import anyio

from server.adapters.identity.base import User
from server.adapters.model_serving.base import ModelServer
from server.errors import AppError, ModelInputInvalid, ModelTimeout, ModelUnavailable
from server.models.llm import ChatRequest
from server.models.model_serving import InferenceRecord, InferenceStatus, ModelEndpoint
from server.observability.context import current_request_id
from server.services.model_serving import (
    InferenceLog,
    ready_endpoint,
    record_usage,
    write_inference_log,
)

logger = logging.getLogger(__name__)
CANCELLED = "The client disconnected; the call was cancelled."


def _delta_text(chunk: dict[str, Any]) -> str:
    choices = chunk.get("choices") or [{}]
    first = choices[0] if isinstance(choices[0], dict) else {}
    delta = first.get("delta") or {}
    text = delta.get("content") if isinstance(delta, dict) else None
    return str(text or first.get("text") or "")


@dataclass
class StreamMeter:
    """What a stream produced: text, time to first token, usage and finish reason."""

    started: float
    first_token_ms: float | None = None
    pieces: list[str] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    finish_reason: str | None = None

    def saw(self, chunk: dict[str, Any]) -> None:
        """Account for one chunk."""
        text = _delta_text(chunk)
        if text and self.first_token_ms is None:
            self.first_token_ms = round((time.perf_counter() - self.started) * 1000, 2)
        if text:
            self.pieces.append(text)
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        choices = chunk.get("choices") or [{}]
        if isinstance(choices[0], dict) and choices[0].get("finish_reason"):
            self.finish_reason = choices[0]["finish_reason"]

    def fill(self, record: InferenceRecord) -> None:
        """Write what the stream produced into its inference log record."""
        record.predictions = {"content": "".join(self.pieces), "finish_reason": self.finish_reason}
        record.time_to_first_token_ms = self.first_token_ms
        record.prompt_tokens = self.usage.get("prompt_tokens")
        record.completion_tokens = self.usage.get("completion_tokens", len(self.pieces))


def _require_chat(endpoint: ModelEndpoint) -> None:
    if not (endpoint.task or "").endswith("/chat"):
        raise ModelInputInvalid(
            f"Endpoint {endpoint.endpoint_name!r} is not a chat endpoint (task "
            f"{endpoint.task or 'none: a custom model'}); use POST /api/model-serving/invoke.",
            validation_error="endpoint task is not llm/v1/chat",
            task=endpoint.task,
        )


class ModelChatService:
    """Chat completions on the caller's behalf."""

    def __init__(self, server: ModelServer, logs: InferenceLog) -> None:
        self._server = server
        self._logs = logs

    def _record(self, user: User, request: ChatRequest) -> InferenceRecord:
        return InferenceRecord(
            request_id=current_request_id() or str(uuid.uuid4()),
            endpoint_name=request.endpoint_name,
            user_id=user.user_id,
            inputs=request.endpoint_body(),
            created_at=datetime.now(UTC),
        )

    async def _finish(self, record: InferenceRecord, started: float) -> None:
        record.execution_time_ms = round((time.perf_counter() - started) * 1000, 2)
        record.completed_at = datetime.now(UTC)
        with anyio.CancelScope(shield=True):
            await write_inference_log(self._logs, record)

    async def complete(self, user: User, request: ChatRequest) -> dict[str, Any]:
        """One whole chat completion (`stream: false`)."""
        record, started = self._record(user, request), time.perf_counter()
        try:
            _require_chat(await ready_endpoint(self._server, user, request.endpoint_name))
            answer: dict[str, Any] = await asyncio.wait_for(
                self._server.invoke(
                    user, request.endpoint_name, request.endpoint_body(), request.timeout_seconds
                ),
                request.timeout_seconds,
            )
            record.predictions, record.status = answer, InferenceStatus.SUCCESS
            record_usage(record, answer)
            return answer
        except (TimeoutError, ModelTimeout) as exc:
            record.status, record.error_message = InferenceStatus.TIMEOUT, "No answer in time."
            raise ModelTimeout(
                f"No answer within {request.timeout_seconds} s.",
                endpoint_name=request.endpoint_name,
            ) from exc
        except AppError as exc:
            record.error_message = exc.message
            raise
        finally:
            await self._finish(record, started)

    async def open_stream(self, user: User, request: ChatRequest) -> AsyncIterator[dict[str, Any]]:
        """The stream, opened up to its first chunk; errors until then are raised here."""
        record, started = self._record(user, request), time.perf_counter()
        meter = StreamMeter(started)
        try:
            _require_chat(await ready_endpoint(self._server, user, request.endpoint_name))
            upstream = self._server.stream(
                user, request.endpoint_name, request.endpoint_body(), request.timeout_seconds
            )
            first = await anext(upstream, None)
            if first is None:
                raise ModelUnavailable("The endpoint's stream was empty.")
        except AppError as exc:
            record.error_message, record.status = exc.message, _status_of(exc)
            await self._finish(record, started)
            raise
        except asyncio.CancelledError:
            record.error_message = CANCELLED
            await self._finish(record, started)
            raise
        meter.saw(first)
        return self._relay(upstream, first, record, meter)

    async def _relay(
        self,
        upstream: AsyncIterator[dict[str, Any]],
        first: dict[str, Any],
        record: InferenceRecord,
        meter: StreamMeter,
    ) -> AsyncIterator[dict[str, Any]]:
        record.error_message = CANCELLED
        try:
            yield first
            async for chunk in upstream:
                meter.saw(chunk)
                yield chunk
            record.status, record.error_message = InferenceStatus.SUCCESS, None
        except AppError as exc:
            record.error_message, record.status = exc.message, _status_of(exc)
            raise
        finally:
            meter.fill(record)
            with anyio.CancelScope(shield=True):
                await upstream.aclose()  # type: ignore[attr-defined]
            await self._finish(record, meter.started)


def _status_of(exc: AppError) -> InferenceStatus:
    return InferenceStatus.TIMEOUT if isinstance(exc, ModelTimeout) else InferenceStatus.ERROR
