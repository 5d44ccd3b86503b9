"""Model Serving on Databricks: endpoint metadata through the SDK, invocations over pooled httpx.

The SDK's own `query()` retries for up to five minutes, which would break `timeout_seconds`, so
invocations are sent here with the SDK's auth headers and a retry loop bounded by the deadline.
"""

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from databricks.sdk import WorkspaceClient
from databricks.sdk import errors as sdk_errors
from databricks.sdk.errors.base import DatabricksError
from databricks.sdk.service.serving import (
    EndpointStateConfigUpdate,
    EndpointStateReady,
    ServingEndpoint,
    ServingEndpointDetailed,
)

from server.adapters.identity.base import User
from server.adapters.model_serving.chat_stream import (
    StreamTarget,
    retry_pause,
    stream_chunks,
    upstream_error,
)
from server.adapters.sdk_errors import Where, call_sdk, error_table
from server.adapters.workspace import WorkspaceClients
from server.errors import (
    AppError,
    EndpointNotFound,
    ModelTimeout,
    ModelUnavailable,
)
from server.models.model_serving import EndpointState, ModelEndpoint

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


def map_state(endpoint: ServingEndpoint | ServingEndpointDetailed) -> EndpointState:
    """READY/NOT_READY and config_update → CREATING, READY, UPDATING or FAILED."""
    ready = endpoint.state.ready if endpoint.state else None
    update = endpoint.state.config_update if endpoint.state else None
    if ready == EndpointStateReady.READY:
        return (
            EndpointState.UPDATING
            if update == EndpointStateConfigUpdate.IN_PROGRESS
            else EndpointState.READY
        )
    if update == EndpointStateConfigUpdate.IN_PROGRESS:
        return EndpointState.CREATING
    return EndpointState.FAILED


def _timestamp(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, tz=UTC) if ms else None


def _view(
    endpoint: ServingEndpoint | ServingEndpointDetailed,
    host: str,
    schema: dict[str, Any] | None = None,
) -> ModelEndpoint:
    config = endpoint.config.as_dict() if endpoint.config else {}
    entities = config.get("served_entities") or config.get("served_models") or [{}]
    first = entities[0]
    return ModelEndpoint(
        endpoint_name=endpoint.name or "",
        endpoint_id=endpoint.id or endpoint.name or "",
        model_name=first.get("entity_name") or first.get("model_name"),
        model_version=first.get("entity_version") or first.get("model_version"),
        state=map_state(endpoint),
        workload_url=f"{host}/serving-endpoints/{endpoint.name}/invocations",
        creation_timestamp=_timestamp(endpoint.creation_timestamp),
        last_updated_timestamp=_timestamp(endpoint.last_updated_timestamp),
        config=config,
        task=endpoint.task,
        description=getattr(endpoint, "description", None),
        input_schema=schema,
    )


def record_schema_from_openapi(document: dict[str, Any]) -> dict[str, Any] | None:
    """The per-record JSON Schema inside an endpoint's OpenAPI document (dataframe_records items)."""
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            records = node.get("properties", {}).get("dataframe_records")
            if isinstance(records, dict) and isinstance(records.get("items"), dict):
                items: dict[str, Any] = records["items"]
                return items
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


@dataclass(frozen=True)
class Answered:
    """An attempt the endpoint answered: its predictions."""

    predictions: Any


@dataclass(frozen=True)
class Retryable:
    """An attempt worth repeating (429, 5xx, a network error): how long the endpoint asked us to
    wait (0 when it did not say) and what went wrong."""

    retry_after_seconds: float
    problem: str


def _endpoint_not_found(exc: Exception, where: Where) -> AppError:
    name = where.get("endpoint_name", "")
    return EndpointNotFound(f"No serving endpoint named {name!r}.", endpoint_name=name)


def _model_unavailable(exc: Exception, where: Where) -> AppError:
    return ModelUnavailable(cause=type(exc).__name__, **where)


SERVING_ERRORS = error_table(_model_unavailable, {sdk_errors.NotFound: _endpoint_not_found})


def _endpoint_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    return str(body.get("message") or body.get("error_code") or body)[:500]


class DatabricksModelServer:
    """Lists and reads endpoints through the SDK; invokes over httpx with bounded retries."""

    def __init__(
        self,
        clients: WorkspaceClients,
        http: httpx.AsyncClient,
        schema_dir: Path,
        max_attempts: int,
        backoff_base_seconds: float,
    ) -> None:
        self._clients = clients
        self._http = http
        self._schema_dir = schema_dir
        self._max_attempts = max_attempts
        self._backoff = backoff_base_seconds

    def _client(self, user: User) -> WorkspaceClient:
        return self._clients.for_caller(user.access_token)

    async def _call(self, fn: Callable[[], T], name: str = "") -> T:
        where = {"endpoint_name": name} if name else {}
        return await call_sdk(fn, SERVING_ERRORS, **where)

    async def endpoints(self, user: User) -> list[ModelEndpoint]:
        """Every endpoint visible to the caller."""
        w = self._client(user)
        found = await self._call(lambda: list(w.serving_endpoints.list()))
        return sorted((_view(e, self._clients.host) for e in found), key=lambda e: e.endpoint_name)

    def _schema(self, w: WorkspaceClient, name: str) -> dict[str, Any] | None:
        try:
            response = w.serving_endpoints.get_open_api(name)
            document = json.loads(response.contents.read()) if response.contents else {}
            schema = record_schema_from_openapi(document)
        except (DatabricksError, ValueError):
            schema = None
        override = self._schema_dir / f"{name}.schema.json"
        if schema is None and override.exists():
            schema = json.loads(override.read_text())
        return schema

    async def endpoint(self, user: User, name: str) -> ModelEndpoint:
        """One endpoint, with its input schema from /openapi or `{name}.schema.json`."""
        w = self._client(user)
        found = await self._call(lambda: w.serving_endpoints.get(name), name)
        # LLM endpoints (a `task`) take their task's body, not records: no record schema to fetch.
        schema = None if found.task else await asyncio.to_thread(self._schema, w, name)
        return _view(found, self._clients.host, schema)

    async def invoke(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> Any:
        """POST /serving-endpoints/{name}/invocations with retries on 429, 5xx and network errors."""
        w = self._client(user)
        url = f"{self._clients.host}/serving-endpoints/{name}/invocations"
        deadline = time.monotonic() + timeout_seconds
        last_problem = "no attempt made"
        for attempt in range(1, self._max_attempts + 1):
            headers = await self._call(w.config.authenticate, name)
            outcome = await self._attempt(url, body, headers, deadline, name)
            if isinstance(outcome, Answered):
                return outcome.predictions
            last_problem = outcome.problem
            if attempt == self._max_attempts:
                break
            backoff = self._backoff * 2 ** (attempt - 1) * (1 + random.random())
            pause = max(outcome.retry_after_seconds, backoff)
            if time.monotonic() + pause >= deadline:
                raise ModelTimeout(f"No answer within {timeout_seconds:g} s.", attempts=attempt)
            logger.warning(
                "retrying model invocation",
                extra={
                    "attempt": attempt,
                    "pause_seconds": round(pause, 2),
                    "problem": last_problem,
                },
            )
            await asyncio.sleep(pause)
        raise ModelUnavailable(
            f"Endpoint {name!r} is unavailable after {self._max_attempts} attempts.",
            attempts=self._max_attempts,
            last_error=last_problem,
        )

    async def _attempt(
        self, url: str, body: dict[str, Any], headers: dict[str, str], deadline: float, name: str
    ) -> Answered | Retryable:
        """The predictions, or a retryable failure; anything else raises its domain error."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ModelTimeout("No answer within the timeout.")
        try:
            response = await self._http.post(url, json=body, headers=headers, timeout=remaining)
        except httpx.TimeoutException as exc:
            raise ModelTimeout("No answer within the timeout.") from exc
        except httpx.TransportError as exc:
            return Retryable(0.0, f"{type(exc).__name__}: {exc}")
        if response.status_code == 200:
            payload = response.json()
            return Answered(
                payload.get("predictions", payload) if isinstance(payload, dict) else payload
            )
        if response.status_code in RETRYABLE_STATUS:
            return Retryable(
                retry_pause(response),
                f"HTTP {response.status_code}: {_endpoint_message(response)}",
            )
        raise upstream_error(response.status_code, _endpoint_message(response), name)

    def stream(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> AsyncIterator[dict[str, Any]]:
        """Chunks of `POST /serving-endpoints/{name}/invocations` with `stream: true`."""
        w = self._client(user)

        async def headers() -> dict[str, str]:
            return await self._call(w.config.authenticate, name)

        url = f"{self._clients.host}/serving-endpoints/{name}/invocations"
        target = StreamTarget(name, url, headers, self._max_attempts, self._backoff)
        return stream_chunks(self._http, target, body, timeout_seconds)

    async def check(self) -> str:
        """Readiness: the serving endpoints list answers."""
        w = self._clients.service_principal
        found = await self._call(lambda: list(w.serving_endpoints.list()))
        return f"{len(found)} serving endpoints"
