"""The Model Serving port."""

from collections.abc import AsyncIterator
from typing import Any, Protocol

from server.adapters.identity.base import User
from server.models.model_serving import ModelEndpoint


class ModelServer(Protocol):
    """What the Model Serving service needs from a backend. Calls are made as `user`."""

    async def endpoints(self, user: User) -> list[ModelEndpoint]:
        """Every endpoint the user may see, with its state."""
        ...

    async def endpoint(self, user: User, name: str) -> ModelEndpoint:
        """One endpoint with its input schema, or EndpointNotFound."""
        ...

    async def invoke(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> Any:
        """The endpoint's answer to `body` within `timeout_seconds` (retries included): the
        predictions of a tabular model, or the whole response of any other endpoint."""
        ...

    def stream(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> AsyncIterator[dict[str, Any]]:
        """The OpenAI-compatible chunks of a streaming chat or completions call. Errors before the
        first chunk are domain errors (retryable ones retried first); closing the iterator early
        cancels the call."""
        ...

    async def check(self) -> str:
        """Readiness: a short description, or an exception."""
        ...
