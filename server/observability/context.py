"""Per-request context (request id, user id) carried by contextvars into every log line."""

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("user_id", default=None)


def current_request_id() -> str | None:
    """The request id bound to the running request, if any."""
    return request_id_var.get()
