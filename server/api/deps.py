"""Injectable dependencies, with short aliases so routes read like sentences."""

from typing import Annotated

from fastapi import Depends, Request

from server.adapters.identity.base import User
from server.api.openapi import declare_dependency_errors
from server.bootstrap import Backends
from server.errors import AuthRequired, ServiceUnavailable
from server.observability.context import user_id_var
from server.services.model_chat import ModelChatService
from server.services.model_serving import ModelServingService
from server.services.preferences import PreferencesService
from server.services.unity_catalog import UnityCatalogService


def get_backends(request: Request) -> Backends:
    """The backends built at start-up."""
    backends: Backends = request.app.state.backends
    return backends


BackendsDep = Annotated[Backends, Depends(get_backends)]


async def get_current_user(request: Request, backends: BackendsDep) -> User:
    """The caller, from the Databricks Apps proxy headers (or the dev user locally)."""
    user = await backends.identity.resolve(request.headers)
    user_id_var.set(user.user_id)
    request.state.user_id = user.user_id
    return user


# Identity: no proxy headers or a token of someone else (401); the workspace cannot say whose the
# forwarded token is (503).
declare_dependency_errors(get_current_user, AuthRequired, ServiceUnavailable)
CurrentUser = Annotated[User, Depends(get_current_user)]


def get_unity_catalog(backends: BackendsDep) -> UnityCatalogService:
    """The Unity Catalog service."""
    return backends.unity_catalog


UnityCatalog = Annotated[UnityCatalogService, Depends(get_unity_catalog)]


def get_preferences(backends: BackendsDep) -> PreferencesService:
    """The preferences service."""
    return backends.preferences


Preferences = Annotated[PreferencesService, Depends(get_preferences)]


def get_model_serving(backends: BackendsDep) -> ModelServingService:
    """The model serving service."""
    return backends.model_serving


ModelServing = Annotated[ModelServingService, Depends(get_model_serving)]


def get_model_chat(backends: BackendsDep) -> ModelChatService:
    """The chat service."""
    return backends.model_chat


ModelChat = Annotated[ModelChatService, Depends(get_model_chat)]
