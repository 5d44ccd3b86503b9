"""Model Serving routes: endpoints, one endpoint with its input schema, invoke, history."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from server.api.deps import CurrentUser, ModelServing
from server.api.responses import ModelResponse
from server.models.model_serving import (
    InferenceLogEntry,
    InvokeRequest,
    ModelEndpoint,
    ModelInferenceResponse,
)

router = APIRouter(prefix="/api/model-serving", tags=["model_serving"])
EndpointName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]+$", max_length=255)]


@router.get("/endpoints")
async def list_endpoints(user: CurrentUser, serving: ModelServing) -> list[ModelEndpoint]:
    """Serving endpoints with their state."""
    return await serving.endpoints(user)


@router.get("/endpoints/{name}")
async def get_endpoint(
    user: CurrentUser, serving: ModelServing, name: EndpointName
) -> ModelEndpoint:
    """One endpoint, with the JSON Schema of its input."""
    return await serving.endpoint(user, name)


@router.post("/invoke", response_model=ModelInferenceResponse)
async def invoke_model(
    user: CurrentUser, serving: ModelServing, request: InvokeRequest
) -> ModelResponse:
    """Validate the input against the endpoint's schema, then invoke it within the timeout."""
    return ModelResponse(await serving.invoke(user, request))


@router.get("/history")
async def invocation_history(
    user: CurrentUser,
    serving: ModelServing,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[InferenceLogEntry]:
    """The caller's own recent invocations, newest first."""
    return await serving.history(user, limit)
