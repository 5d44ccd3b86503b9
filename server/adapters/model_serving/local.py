"""Local Model Serving: endpoints from the config file, scored in-process by MLflow pyfunc."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx

from server.adapters.identity.base import User
from server.adapters.model_serving import openai_compatible
from server.errors import EndpointNotFound, ModelInputInvalid
from server.local_workspace.llm_serving import (
    CHAT,
    EMBEDDINGS,
    LLM_TASKS,
    completion_response,
    embeddings_response,
    generate,
    response_chunks,
)
from server.local_workspace.serving import LocalEndpoint, LocalServing, ScoringInputError
from server.models.model_serving import EndpointState, ModelEndpoint


def local_endpoint_view(endpoint: LocalEndpoint, schema: dict[str, Any] | None) -> ModelEndpoint:
    """The API view of a local endpoint."""
    created = datetime.fromtimestamp(endpoint.created_at_ms / 1000, tz=UTC)
    return ModelEndpoint(
        endpoint_name=endpoint.name,
        endpoint_id=f"local-{endpoint.name}",
        model_name=endpoint.model_name,
        model_version=endpoint.model_version,
        state=EndpointState(endpoint.state),
        workload_url=None,
        creation_timestamp=created,
        last_updated_timestamp=created,
        config={
            "served_entities": [
                {"entity_name": endpoint.model_name, "entity_version": endpoint.model_version}
            ]
        },
        task=endpoint.task,
        description=endpoint.description,
        input_schema=schema,
    )


class LocalModelServer:
    """Scores in a worker thread; a model rejecting its input is INVALID_MODEL_INPUT."""

    def __init__(self, serving: LocalServing, http: httpx.AsyncClient) -> None:
        self._serving = serving
        self._http = http

    def _find(self, name: str) -> LocalEndpoint:
        endpoint = self._serving.endpoint(name)
        if endpoint is None:
            raise EndpointNotFound(f"No serving endpoint named {name!r}.", endpoint_name=name)
        return endpoint

    async def endpoints(self, user: User) -> list[ModelEndpoint]:
        """Every configured endpoint (input schemas come with `endpoint`)."""
        found = await asyncio.to_thread(self._serving.endpoints)
        return [local_endpoint_view(e, None) for e in found]

    def _describe(self, name: str) -> ModelEndpoint:
        endpoint = self._find(name)
        return local_endpoint_view(endpoint, self._serving.input_schema(endpoint))

    def _score_unless_llm(self, name: str, body: dict[str, Any]) -> tuple[LocalEndpoint, Any]:
        """The endpoint and, for a tabular model, its predictions: one trip to a thread."""
        endpoint = self._find(name)
        if endpoint.task in LLM_TASKS:
            return endpoint, None
        return endpoint, self._serving.score(endpoint, body)

    async def endpoint(self, user: User, name: str) -> ModelEndpoint:
        """One endpoint with its input schema."""
        return await asyncio.to_thread(self._describe, name)

    async def invoke(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> Any:
        """Score in-process (the service bounds the time)."""
        try:
            endpoint, predictions = await asyncio.to_thread(self._score_unless_llm, name, body)
        except ScoringInputError as exc:
            raise ModelInputInvalid(str(exc), validation_error=str(exc)) from exc
        if endpoint.task in LLM_TASKS:
            return await self._llm_answer(endpoint, body, timeout_seconds)
        return predictions

    async def _llm_answer(
        self, endpoint: LocalEndpoint, body: dict[str, Any], timeout_seconds: float
    ) -> Any:
        if endpoint.openai_base_url:
            return await openai_compatible.post(self._http, endpoint, body, timeout_seconds)
        llm, task = self._serving.llm, endpoint.task or CHAT
        if task == EMBEDDINGS:
            embedder = await asyncio.to_thread(llm.embedder, endpoint.model_path)
            return await asyncio.to_thread(embeddings_response, embedder, body, endpoint.model_name)
        assistant = await asyncio.to_thread(llm.assistant, endpoint.model_path)
        generations = await asyncio.to_thread(generate, assistant, body, task)
        return completion_response(generations, task, endpoint.model_name)

    def stream(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> AsyncIterator[dict[str, Any]]:
        """Chunks from the built-in assistant, or from the configured OpenAI-compatible server."""
        return self._stream(name, body, timeout_seconds)

    async def _stream(
        self, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> AsyncIterator[dict[str, Any]]:
        endpoint = await asyncio.to_thread(self._find, name)
        if endpoint.openai_base_url:
            upstream = openai_compatible.stream(self._http, endpoint, body, timeout_seconds, 3)
            async for chunk in upstream:
                yield chunk
            return
        task = endpoint.task or CHAT
        assistant = await asyncio.to_thread(self._serving.llm.assistant, endpoint.model_path)
        generations = await asyncio.to_thread(generate, assistant, body, task)
        for chunk in response_chunks(generations, task, endpoint.model_name):
            yield chunk
            await asyncio.sleep(0)

    async def check(self) -> str:
        """Readiness: the config file parses."""
        return f"{len(await asyncio.to_thread(self._serving.endpoints))} local endpoints"
