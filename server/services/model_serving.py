"""Model Serving rules: only READY endpoints, inputs validated first, a time bound on the whole
call, and one inference log row per invocation."""

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

from server.adapters.identity.base import User
from server.adapters.model_serving.base import ModelServer
from server.errors import AppError, DatabaseUnavailable, EndpointNotReady, ModelTimeout
from server.models.model_serving import (
    EndpointState,
    InferenceLogEntry,
    InferenceRecord,
    InferenceStatus,
    InvokeRequest,
    ModelEndpoint,
    ModelInferenceResponse,
)
from server.observability.context import current_request_id
from server.services.llm_input import endpoint_body
from server.services.model_input import refuse_llm_body, to_records, validate_records

logger = logging.getLogger(__name__)


class InferenceLog(Protocol):
    """Where invocations are recorded (server.db.repositories.InferenceLogRepository)."""

    def add(self, record: InferenceRecord) -> None:
        """Write one record; DatabaseUnavailable when the database is down."""
        ...

    def recent(self, user_id: str, limit: int) -> list[InferenceLogEntry]:
        """The user's most recent records, newest first."""
        ...


async def ready_endpoint(server: ModelServer, user: User, name: str) -> ModelEndpoint:
    """The endpoint, or EndpointNotReady when it is not READY."""
    endpoint = await server.endpoint(user, name)
    if endpoint.state != EndpointState.READY:
        raise EndpointNotReady(
            f"Endpoint {endpoint.endpoint_name!r} is {endpoint.state.value}, not READY.",
            endpoint_name=endpoint.endpoint_name,
            state=endpoint.state.value,
        )
    return endpoint


async def write_inference_log(logs: InferenceLog, record: InferenceRecord) -> None:
    """One inference log row; a database outage must not turn a prediction into an error."""
    logger.info(
        "model invocation",
        extra={
            "endpoint_name": record.endpoint_name,
            "status": record.status.value,
            "duration_ms": record.execution_time_ms,
            "time_to_first_token_ms": record.time_to_first_token_ms,
            "completion_tokens": record.completion_tokens,
        },
    )
    try:
        await asyncio.to_thread(logs.add, record)
    except DatabaseUnavailable:
        logger.error(
            "inference log not written: database unavailable",
            extra={"endpoint_name": record.endpoint_name},
        )


def record_usage(record: InferenceRecord, answer: Any) -> None:
    """Copy prompt_tokens and completion_tokens from an LLM answer's `usage`, when it has one."""
    usage = answer.get("usage") if isinstance(answer, dict) else None
    if isinstance(usage, dict):
        record.prompt_tokens = usage.get("prompt_tokens")
        record.completion_tokens = usage.get("completion_tokens")


class ModelServingService:
    """Lists endpoints and invokes them on the caller's behalf."""

    def __init__(self, server: ModelServer, logs: InferenceLog) -> None:
        self._server = server
        self._logs = logs

    async def endpoints(self, user: User) -> list[ModelEndpoint]:
        """Every endpoint with its state."""
        return await self._server.endpoints(user)

    async def endpoint(self, user: User, name: str) -> ModelEndpoint:
        """One endpoint with its input schema."""
        return await self._server.endpoint(user, name)

    async def _predict(self, user: User, request: InvokeRequest) -> Any:
        endpoint = await ready_endpoint(self._server, user, request.endpoint_name)
        if endpoint.task is not None:
            body = endpoint_body(request.inputs, endpoint.task)
            return await self._server.invoke(
                user, request.endpoint_name, body, request.timeout_seconds
            )
        refuse_llm_body(request.inputs)
        records = to_records(request.inputs)
        validate_records(records, endpoint.input_schema)
        return await self._server.invoke(
            user, request.endpoint_name, {"dataframe_records": records}, request.timeout_seconds
        )

    async def invoke(self, user: User, request: InvokeRequest) -> ModelInferenceResponse:
        """Validate, invoke within `timeout_seconds`, and log the call whatever its outcome."""
        record = InferenceRecord(
            request_id=current_request_id() or str(uuid.uuid4()),
            endpoint_name=request.endpoint_name,
            user_id=user.user_id,
            inputs=request.inputs,
            created_at=datetime.now(UTC),
        )
        started = time.perf_counter()
        try:
            record.predictions = await asyncio.wait_for(
                self._predict(user, request), request.timeout_seconds
            )
            record.status = InferenceStatus.SUCCESS
            record_usage(record, record.predictions)
        except (TimeoutError, ModelTimeout) as exc:
            record.status = InferenceStatus.TIMEOUT
            record.error_message = f"No answer within {request.timeout_seconds} s."
            raise ModelTimeout(record.error_message, endpoint_name=request.endpoint_name) from exc
        except AppError as exc:
            record.error_message = exc.message
            logger.error(
                "model invocation failed",
                extra={
                    "endpoint_name": request.endpoint_name,
                    "error_type": exc.error_code,
                    "technical_details": exc.technical_details,
                },
            )
            raise
        finally:
            record.execution_time_ms = round((time.perf_counter() - started) * 1000, 2)
            record.completed_at = datetime.now(UTC)
            await write_inference_log(self._logs, record)
        return ModelInferenceResponse(
            request_id=record.request_id,
            endpoint_name=request.endpoint_name,
            predictions=record.predictions,
            status=record.status,
            execution_time_ms=record.execution_time_ms,
            completed_at=record.completed_at,
        )

    async def history(self, user: User, limit: int) -> list[InferenceLogEntry]:
        """The caller's most recent invocations."""
        return await asyncio.to_thread(self._logs.recent, user.user_id, limit)
