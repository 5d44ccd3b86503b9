"""The one boundary between the Databricks SDK and the domain: SDK and network errors become
domain errors through a mapping table, the way the SDK's own `errors/mapper.py` maps HTTP answers
to its error classes.

Each databricks adapter states only what differs for it (what a 404 means, which error says a
backend is down); the rest of the table is shared. The SDK raises `NotFound`, `PermissionDenied`,
`Unauthenticated`, `BadRequest`... as subclasses of `DatabricksError` (Databricks SDK for Python,
"Error handling"); lookups walk the exception's class hierarchy, so the most specific entry wins.
"""

import asyncio
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

import requests
from databricks.sdk import errors as sdk
from databricks.sdk.errors.base import DatabricksError

from server.errors import AppError, AuthRequired, PermissionDenied

T = TypeVar("T")
Where = Mapping[str, str]
ErrorFactory = Callable[[Exception, Where], AppError]
ErrorTable = Mapping[type[BaseException], ErrorFactory]

# Failures that mean "the backend cannot answer now" when no entry is more specific.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    DatabricksError,
    requests.RequestException,
    TimeoutError,
    OSError,
)


def sdk_error_message(exc: BaseException) -> str:
    """The workspace's own message, without the configuration the SDK appends to 401 and 403
    errors ("... Config: host=..., client_id=..."), which users must not see."""
    return str(exc).split(". Config: ")[0].split(". Env: ")[0]


def explain_refusal(message: str) -> str:
    """A workspace refusal with the fix a deployer can make, when it is the app's configuration
    that lacks something (an OAuth scope of user authorization, CAN_USE on the warehouse)."""
    if "required scopes" in message:
        return f"{message}. Add the scope to the app's user_api_scopes (databricks.yml), redeploy."
    if "warehouse" in message.lower():
        return f"{message}. A workspace admin can grant CAN_USE on the app's SQL warehouse."
    return message


def _unauthenticated(exc: Exception, where: Where) -> AppError:
    return AuthRequired("The workspace rejected the credentials.")


def _permission_denied(exc: Exception, where: Where) -> AppError:
    return PermissionDenied(explain_refusal(sdk_error_message(exc)), **where)


def error_table(unavailable: ErrorFactory, entries: ErrorTable | None = None) -> ErrorTable:
    """A mapping table: the shared entries (401 → AUTH_REQUIRED, 403 → PERMISSION_DENIED with
    the fix), an adapter's own `entries` (which win), and `unavailable` for every other SDK or
    network failure."""
    table: dict[type[BaseException], ErrorFactory] = {
        error: unavailable for error in TRANSPORT_ERRORS
    }
    table[sdk.Unauthenticated] = _unauthenticated
    table[sdk.PermissionDenied] = _permission_denied
    table.update(entries or {})
    return table


def to_domain_error(exc: BaseException, table: ErrorTable, where: Where) -> AppError | None:
    """The domain error of the table's most specific entry for `exc`, or None when none applies."""
    if isinstance(exc, AppError):
        return exc
    if not isinstance(exc, Exception):
        return None
    for cls in type(exc).__mro__:
        factory = table.get(cls)
        if factory is not None:
            return factory(exc, where)
    return None


@contextmanager
def sdk_boundary(errors: ErrorTable, /, **where: str) -> Iterator[None]:
    """Run SDK calls inside; a mapped error leaves as its domain error, chained to the cause."""
    try:
        yield
    except Exception as exc:
        mapped = to_domain_error(exc, errors, where)
        if mapped is None or mapped is exc:
            raise
        raise mapped from exc


async def call_sdk(fn: Callable[[], T], errors: ErrorTable, /, **where: str) -> T:
    """Run a blocking SDK call in a worker thread, inside the boundary."""

    def guarded() -> T:
        with sdk_boundary(errors, **where):
            return fn()

    return await asyncio.to_thread(guarded)
