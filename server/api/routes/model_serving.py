"""Model Serving routes: endpoints, one endpoint with its input schema, invoke, history."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, StreamingResponse

from server.api.deps import CurrentUser, ModelChat, ModelServing
from server.api.openapi import errors
from server.api.sse import event_stream
from server.errors import (
    DatabaseUnavailable,
    EndpointNotFound,
    EndpointNotReady,
    ModelInputInvalid,
    ModelTimeout,
    ModelUnavailable,
    PermissionDenied,
)
from server.models.llm import ChatRequest
from server.models.model_serving import (
    InferenceLogEntry,
    InvokeRequest,
    ModelEndpoint,
    ModelInferenceResponse,
)

router = APIRouter(prefix="/api/model-serving", tags=["model_serving"])
# What the serving backends map workspace answers to (server/adapters/model_serving/).
ENDPOINT_ERRORS = (PermissionDenied, ModelUnavailable)
EndpointName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]+$", max_length=255)]


@router.get("/endpoints", responses=errors(*ENDPOINT_ERRORS))
async def list_endpoints(user: CurrentUser, serving: ModelServing) -> list[ModelEndpoint]:
    """Serving endpoints with their state."""
    return await serving.endpoints(user)


@router.get("/endpoints/{name}", responses=errors(*ENDPOINT_ERRORS, EndpointNotFound))
async def get_endpoint(
    user: CurrentUser, serving: ModelServing, name: EndpointName
) -> ModelEndpoint:
    """One endpoint, with the JSON Schema of its input."""
    return await serving.endpoint(user, name)


@router.post(
    "/invoke",
    responses=errors(
        *ENDPOINT_ERRORS, EndpointNotFound, EndpointNotReady, ModelInputInvalid, ModelTimeout
    ),
)
async def invoke_model(
    user: CurrentUser, serving: ModelServing, request: InvokeRequest
) -> ModelInferenceResponse:
    """Validate the input against the endpoint's schema, then invoke it within the timeout."""
    return await serving.invoke(user, request)


_CHAT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "`stream: true`: text/event-stream of OpenAI-compatible chat.completion.chunk "
        "objects ending with `data: [DONE]` (a later failure is `event: error` with the error "
        "envelope); `stream: false`: one OpenAI-compatible chat completion.",
        "content": {
            "text/event-stream": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object", "additionalProperties": True}},
        },
    },
    **errors(*ENDPOINT_ERRORS, EndpointNotFound, EndpointNotReady, ModelInputInvalid, ModelTimeout),
}


@router.post("/chat", response_model=None, responses=_CHAT_RESPONSES)
async def chat(
    user: CurrentUser, chat_service: ModelChat, request: ChatRequest
) -> StreamingResponse | JSONResponse:
    """Chat with a chat endpoint, streamed as server-sent events (default) or whole."""
    if not request.stream:
        return JSONResponse(await chat_service.complete(user, request))
    return event_stream(await chat_service.open_stream(user, request))


@router.get("/history", responses=errors(DatabaseUnavailable))
async def invocation_history(
    user: CurrentUser,
    serving: ModelServing,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[InferenceLogEntry]:
    """The caller's own recent invocations, newest first."""
    return await serving.history(user, limit)
