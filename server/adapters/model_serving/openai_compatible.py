"""Local endpoints backed by an OpenAI-compatible server the user runs (Ollama, vLLM, llama.cpp
server): `openai_base_url` (for example `http://127.0.0.1:11434/v1`), `openai_model` and, for a
server that wants a key, `openai_api_key_env` (the name of the environment variable holding it) in
`config/serving_endpoints.json`."""

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx

from server.adapters.model_serving.chat_stream import (
    StreamTarget,
    stream_chunks,
    upstream_error,
)
from server.errors import ModelTimeout, ModelUnavailable
from server.local_workspace.llm_serving import CHAT, COMPLETIONS, EMBEDDINGS
from server.local_workspace.serving import LocalEndpoint

PATHS = {CHAT: "chat/completions", COMPLETIONS: "completions", EMBEDDINGS: "embeddings"}


def _target(endpoint: LocalEndpoint) -> tuple[str, dict[str, Any]]:
    base = (endpoint.openai_base_url or "").rstrip("/")
    return f"{base}/{PATHS[endpoint.task or CHAT]}", {"model": endpoint.openai_model}


def _headers(endpoint: LocalEndpoint) -> dict[str, str]:
    key = os.environ.get(endpoint.openai_api_key_env or "", "")
    return {"Authorization": f"Bearer {key}"} if key else {}


async def post(
    http: httpx.AsyncClient, endpoint: LocalEndpoint, body: dict[str, Any], timeout: float
) -> Any:
    """One non-streaming call."""
    url, extra = _target(endpoint)
    try:
        response = await http.post(
            url, json={**body, **extra}, headers=_headers(endpoint), timeout=timeout
        )
    except httpx.TimeoutException as exc:
        raise ModelTimeout("No answer within the timeout.") from exc
    except httpx.TransportError as exc:
        raise ModelUnavailable(
            f"Cannot reach {endpoint.openai_base_url}.", cause=type(exc).__name__
        ) from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise ModelUnavailable(f"{endpoint.openai_base_url} answered {response.status_code}.")
    if response.status_code != 200:
        raise upstream_error(response.status_code, response.text[:500], endpoint.name)
    return response.json()


def stream(
    http: httpx.AsyncClient,
    endpoint: LocalEndpoint,
    body: dict[str, Any],
    timeout: float,
    attempts: int,
) -> AsyncIterator[dict[str, Any]]:
    """A streaming call."""
    url, extra = _target(endpoint)

    async def headers() -> dict[str, str]:
        return _headers(endpoint)

    target = StreamTarget(endpoint.name, url, headers, attempts, 0.5)
    return stream_chunks(http, target, {**body, **extra}, timeout)
