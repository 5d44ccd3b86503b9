"""Serving endpoints: list, get, openapi and invocations, scored by the same local models.

Controls let tests inject latency, a queue of failure statuses ("503 twice, then 200"), and a 400
rejection.
"""

import asyncio
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from emulator import llm_serving, scopes
from emulator.auth import Caller, principal_names, require_level, require_scope
from emulator.errors import not_found
from server.local_workspace.llm_serving import CHAT, COMPLETIONS, EMBEDDINGS, LLM_TASKS
from server.local_workspace.serving import LocalEndpoint, LocalServing, ScoringInputError

router = APIRouter()
_STATES = {
    "READY": ("READY", "NOT_UPDATING"),
    "UPDATING": ("READY", "IN_PROGRESS"),
    "CREATING": ("NOT_READY", "IN_PROGRESS"),
    "FAILED": ("NOT_READY", "UPDATE_FAILED"),
}


@dataclass
class ServingControls:
    """Knobs tests turn."""

    latency_seconds: float = 0.0
    failure_statuses: list[int] = field(default_factory=list)
    reject_message: str | None = None
    retry_after_seconds: int | None = None
    invocations: int = 0
    token_delay_seconds: float = 0.0
    break_after_chunks: int | None = None
    completed_streams: int = 0
    cancelled_streams: int = 0

    def reset(self) -> None:
        """Back to a healthy, fast endpoint (counters kept)."""
        self.latency_seconds, self.failure_statuses = 0.0, []
        self.reject_message, self.retry_after_seconds = None, None
        self.token_delay_seconds, self.break_after_chunks = 0.0, None


def get_serving(request: Request) -> LocalServing:
    """The local serving registry."""
    serving: LocalServing = request.app.state.serving
    return serving


ServingDep = Annotated[LocalServing, Depends(get_serving)]


def _controls(request: Request) -> ServingControls:
    controls: ServingControls = request.app.state.serving_controls
    return controls


def _endpoint_json(endpoint: LocalEndpoint) -> dict[str, Any]:
    ready, update = _STATES[endpoint.state]
    entity = {
        "name": f"{endpoint.model_name}-{endpoint.model_version}",
        "entity_name": endpoint.model_name,
        "entity_version": endpoint.model_version,
    }
    return {
        "name": endpoint.name,
        "id": f"ep-{endpoint.name}",
        "creator": "emulator",
        "creation_timestamp": endpoint.created_at_ms,
        "last_updated_timestamp": endpoint.created_at_ms,
        "description": endpoint.description,
        "state": {"ready": ready, "config_update": update},
        "config": {"served_entities": [entity]},
        "tags": [],
        **({"task": endpoint.task} if endpoint.task else {}),
    }


def _find(serving: LocalServing, name: str) -> LocalEndpoint:
    endpoint = serving.endpoint(name)
    if endpoint is None:
        raise not_found(f"Serving endpoint '{name}' does not exist.")
    return endpoint


@router.get("/api/2.0/serving-endpoints", dependencies=[require_scope(scopes.SERVING_READ)])
async def list_endpoints(
    request: Request, principal: Caller, serving: ServingDep
) -> dict[str, Any]:
    names = principal_names(request, principal)
    visible = [
        e
        for e in serving.endpoints()
        if request.app.state.acl.allows("serving-endpoints", e.name, names, "CAN_VIEW")
    ]
    return {"endpoints": [_endpoint_json(e) for e in visible]}


@router.get("/api/2.0/serving-endpoints/{name}", dependencies=[require_scope(scopes.SERVING_READ)])
async def get_endpoint(
    name: str, request: Request, principal: Caller, serving: ServingDep
) -> dict[str, Any]:
    endpoint = _find(serving, name)
    require_level(request, principal, "serving-endpoints", name, "CAN_VIEW")
    return _endpoint_json(endpoint)


@router.get(
    "/api/2.0/serving-endpoints/{name}/openapi", dependencies=[require_scope(scopes.SERVING_READ)]
)
async def get_openapi(
    name: str, request: Request, principal: Caller, serving: ServingDep
) -> dict[str, Any]:
    endpoint = _find(serving, name)
    require_level(request, principal, "serving-endpoints", name, "CAN_VIEW")
    record = serving.input_schema(endpoint) or {"type": "object"}
    body = {
        "type": "object",
        "properties": {
            "dataframe_records": {"type": "array", "items": record},
            "dataframe_split": {"type": "object"},
            "instances": {"type": "array"},
            "inputs": {},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": name, "version": endpoint.model_version},
        "paths": {
            f"/serving-endpoints/{name}/invocations": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": body}}},
                    "responses": {"200": {"description": "predictions"}},
                }
            }
        },
    }


def _injected_failure(controls: ServingControls) -> JSONResponse | None:
    if controls.failure_statuses:
        status = controls.failure_statuses.pop(0)
        headers = (
            {"Retry-After": str(controls.retry_after_seconds)}
            if controls.retry_after_seconds is not None
            else None
        )
        return JSONResponse(
            {"error_code": "TEMPORARILY_UNAVAILABLE", "message": f"Injected HTTP {status}."},
            status,
            headers=headers,
        )
    if controls.reject_message:
        return JSONResponse({"error_code": "BAD_REQUEST", "message": controls.reject_message}, 400)
    return None


async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


async def _serve(
    request: Request, principal: Caller, serving: LocalServing, name: str, openai_route: bool
) -> Any:
    """Checks shared by every way of calling an endpoint, then its answer."""
    controls = _controls(request)
    controls.invocations += 1
    endpoint = _find(serving, name)
    require_level(request, principal, "serving-endpoints", name, "CAN_QUERY")
    # The injected outcome is taken when the request arrives, so a slow request that its client
    # abandoned cannot consume a failure meant for a later request.
    failure = _injected_failure(controls)
    if controls.latency_seconds:
        await asyncio.sleep(controls.latency_seconds)
    if failure is not None:
        return failure
    if endpoint.state not in ("READY", "UPDATING"):
        return JSONResponse(
            {"error_code": "INVALID_STATE", "message": f"Endpoint '{name}' is not ready."}, 409
        )
    body = await _json_body(request)
    if endpoint.task in LLM_TASKS:
        try:
            llm_serving.check_body(body, endpoint.task or "", allow_model=openai_route)
        except llm_serving.LlmRequestError as exc:
            return JSONResponse({"error_code": "BAD_REQUEST", "message": str(exc)}, 400)
        return llm_serving.answer(serving, endpoint, body, controls)
    return await _score(serving, endpoint, body)


async def _score(serving: LocalServing, endpoint: LocalEndpoint, body: Any) -> JSONResponse:
    if not isinstance(body, dict):
        return JSONResponse(
            {"error_code": "BAD_REQUEST", "message": "The request body must be a JSON object."}, 400
        )
    started = time.perf_counter()
    try:
        predictions = await asyncio.to_thread(serving.score, endpoint, body)
    except ScoringInputError as exc:
        return JSONResponse({"error_code": "BAD_REQUEST", "message": str(exc)}, 400)
    return JSONResponse(
        {"predictions": predictions},
        headers={
            "served-model-name": endpoint.model_name,
            "x-emulator-ms": f"{(time.perf_counter() - started) * 1000:.1f}",
        },
    )


@router.post(
    "/serving-endpoints/{name}/invocations", dependencies=[require_scope(scopes.SERVING_QUERY)]
)
async def invocations(name: str, request: Request, principal: Caller, serving: ServingDep) -> Any:
    return await _serve(request, principal, serving, name, openai_route=False)


_OPENAI_TASKS = {
    "chat/completions": CHAT,
    "completions": COMPLETIONS,
    "embeddings": EMBEDDINGS,
}


@router.post(
    "/serving-endpoints/{operation:path}", dependencies=[require_scope(scopes.SERVING_QUERY)]
)
async def openai_compatible(
    operation: str, request: Request, principal: Caller, serving: ServingDep
) -> Any:
    """OpenAI clients (`base_url={host}/serving-endpoints`) name the endpoint in `model`."""
    task = _OPENAI_TASKS.get(operation)
    if task is None:
        raise not_found(f"No API at /serving-endpoints/{operation}.")
    body = await _json_body(request)
    name = body.get("model") if isinstance(body, dict) else None
    if not isinstance(name, str):
        return JSONResponse(
            {"error_code": "BAD_REQUEST", "message": "'model' must name a serving endpoint."}, 400
        )
    endpoint = _find(serving, name)
    if endpoint.task != task:
        require_level(request, principal, "serving-endpoints", name, "CAN_QUERY")
        return JSONResponse(
            {"error_code": "BAD_REQUEST", "message": f"Endpoint '{name}' does not serve {task}."},
            400,
        )
    return await _serve(request, principal, serving, name, openai_route=True)
