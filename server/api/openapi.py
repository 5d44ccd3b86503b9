"""The OpenAPI document tells the truth about errors: every error answer is the `ErrorResponse`
envelope, each route declares the statuses it can return, and every response carries X-Request-ID
(503s also Retry-After).

A route declares its own domain errors with one line, `responses=errors(TableNotFound, ...)`, or a
router for all its routes (`APIRouter(responses=errors(...))`). What follows from the framework is
added to every route when the document is built: the errors of its dependencies
(`declare_dependency_errors`, e.g. the caller's identity), 422 when it takes parameters, 413 when it
takes a body (and 400 when that body is not JSON), and 500.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from starlette.routing import BaseRoute

from server.errors import AppError, ServiceUnavailable

Responses = dict[int | str, dict[str, Any]]
ErrorKind = type[AppError] | tuple[int, str]

VALIDATION_ERROR = (422, "VALIDATION_ERROR")
PAYLOAD_TOO_LARGE = (413, "PAYLOAD_TOO_LARGE")
MALFORMED_BODY = (400, "BAD_REQUEST")
INTERNAL_ERROR = (500, "INTERNAL_ERROR")

_REQUEST_ID_HEADER = {
    "required": True,
    "description": "The request's id (the caller's X-Request-ID when well-formed); quote it "
    "when reporting a problem.",
    "schema": {"type": "string"},
}
_RETRY_AFTER_HEADER = {
    "required": True,
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer"},
}
_ERROR_REF = "#/components/schemas/ErrorResponse"
_DEPENDENCY_ERRORS: dict[Callable[..., Any], tuple[ErrorKind, ...]] = {}


class ErrorResponse(BaseModel):
    """The envelope of every error answer."""

    error_code: str = Field(description="Stable code, e.g. TABLE_NOT_FOUND")
    message: str = Field(description="What went wrong, for a person")
    technical_details: dict[str, Any] = Field(
        description="Details for debugging; always holds request_id"
    )
    retry_after: int | None = Field(
        default=None, description="On 503 only: seconds to wait before retrying"
    )


def _status_and_code(kind: ErrorKind) -> tuple[int, str]:
    if isinstance(kind, tuple):
        return kind
    return kind.http_status, kind.error_code


def errors(*kinds: ErrorKind) -> Responses:
    """`responses=` for a route or router: each error under its HTTP status, in the envelope."""
    codes: dict[int, list[str]] = {}
    for kind in kinds:
        status, code = _status_and_code(kind)
        if code not in codes.setdefault(status, []):
            codes[status].append(code)
    return {
        status: {
            "model": ErrorResponse,
            "description": "Error codes: " + ", ".join(sorted(listed)),
            "x-error-codes": sorted(listed),
        }
        for status, listed in sorted(codes.items())
    }


def declare_dependency_errors(dependency: Callable[..., Any], *kinds: ErrorKind) -> None:
    """Every route that depends on `dependency` (directly or not) can answer these errors."""
    _DEPENDENCY_ERRORS[dependency] = kinds


def _dependency_errors(dependant: Dependant) -> Iterable[ErrorKind]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield from _DEPENDENCY_ERRORS.get(sub.call, ())
        yield from _dependency_errors(sub)


def _framework_errors(route: Any) -> list[ErrorKind]:
    found: list[ErrorKind] = [INTERNAL_ERROR]
    dependant = route.dependant
    takes_parameters = any(
        (
            dependant.path_params,
            dependant.query_params,
            dependant.header_params,
            dependant.cookie_params,
            route.body_field,
        )
    )
    if takes_parameters:
        found.append(VALIDATION_ERROR)
    if route.body_field is not None:
        found += [PAYLOAD_TOO_LARGE, MALFORMED_BODY]
    return found


def route_errors(route: Any) -> dict[int, list[str]]:
    """Every error code a route (an APIRoute or FastAPI's route context) can answer, by status:
    its own declarations and those its dependencies and the framework add."""
    kinds: list[ErrorKind] = [*_dependency_errors(route.dependant), *_framework_errors(route)]
    for status, entry in route.responses.items():
        kinds += [(int(status), code) for code in entry.get("x-error-codes", ())]
    codes: dict[int, list[str]] = {}
    for status, code in sorted({_status_and_code(kind) for kind in kinds}):
        codes.setdefault(status, []).append(code)
    return codes


def _error_object(status: int, codes: list[str]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": "Error codes: " + ", ".join(codes),
        "x-error-codes": codes,
        "content": {"application/json": {"schema": {"$ref": _ERROR_REF}}},
        "headers": {"X-Request-ID": _REQUEST_ID_HEADER},
    }
    if status == ServiceUnavailable.http_status:
        response["headers"]["Retry-After"] = _RETRY_AFTER_HEADER
    return response


def _declare_errors(document: dict[str, Any], routes: list[BaseRoute]) -> None:
    """Write each route's errors into its operations; every response gets X-Request-ID."""
    paths = document.get("paths", {})
    for route in iter_route_contexts(routes):
        if not getattr(route, "include_in_schema", False) or not hasattr(route, "dependant"):
            continue
        operations = paths.get(route.path_format, {})
        for method in route.methods or ():
            operation = operations.get(method.lower())
            if operation is None:
                continue
            for status, codes in route_errors(route).items():
                operation["responses"][str(status)] = _error_object(status, codes)
            for response in operation["responses"].values():
                response.setdefault("headers", {})["X-Request-ID"] = _REQUEST_ID_HEADER
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorResponse"] = ErrorResponse.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    if "HTTPValidationError" not in json.dumps(paths):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


def install_openapi(app: FastAPI) -> None:
    """Build /openapi.json with the error declarations, once, on first use."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
                separate_input_output_schemas=app.separate_input_output_schemas,
            )
            _declare_errors(document, app.routes)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
