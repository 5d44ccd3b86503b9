"""The one place that turns exceptions into the error envelope (unexpected ones: middleware)."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from server.errors import AppError, ServiceUnavailable
from server.observability.context import current_request_id

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "AUTH_REQUIRED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
}


def error_response(
    status: int,
    error_code: str,
    message: str,
    technical_details: dict[str, Any] | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    """Build an envelope response: error_code, message, technical_details (+ retry_after)."""
    body = envelope(error_code, message, technical_details, retry_after)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return JSONResponse(body, status_code=status, headers=headers)


def envelope(
    error_code: str,
    message: str,
    technical_details: dict[str, Any] | None = None,
    retry_after: int | None = None,
) -> dict[str, Any]:
    """The error envelope body."""
    body: dict[str, Any] = {
        "error_code": error_code,
        "message": message,
        "technical_details": {**(technical_details or {}), "request_id": current_request_id()},
    }
    if retry_after is not None:
        body["retry_after"] = retry_after
    return body


def app_error_envelope(exc: AppError) -> dict[str, Any]:
    """The envelope of a domain error, logged like `handle_app_error` does (for streams, where
    the error arrives after the response has started)."""
    logger.error(
        exc.message,
        extra={"error_type": exc.error_code, "technical_details": exc.technical_details},
    )
    retry_after = exc.retry_after if isinstance(exc, ServiceUnavailable) else None
    return envelope(exc.error_code, exc.message, exc.technical_details, retry_after)


async def handle_app_error(request: Request, exc: Exception) -> JSONResponse:
    """Domain errors: their own code, status and details."""
    assert isinstance(exc, AppError)
    level = logging.ERROR if exc.http_status >= 500 else logging.WARNING
    logger.log(
        level,
        exc.message,
        extra={"error_type": exc.error_code, "technical_details": exc.technical_details},
    )
    retry_after = exc.retry_after if isinstance(exc, ServiceUnavailable) else None
    return error_response(
        exc.http_status, exc.error_code, exc.message, exc.technical_details, retry_after
    )


def _field_error(error: Any) -> dict[str, Any]:
    location = [str(p) for p in error.get("loc", ())]
    return {
        "field": ".".join(location[1:]) if len(location) > 1 else ".".join(location),
        "location": location[0] if location else None,
        "message": error.get("msg", ""),
        "type": error.get("type", ""),
    }


async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """Request validation: 422 VALIDATION_ERROR listing each field error."""
    assert isinstance(exc, RequestValidationError)
    errors = [_field_error(e) for e in exc.errors()]
    logger.warning(
        "request validation failed",
        extra={"error_type": "VALIDATION_ERROR", "validation_errors": errors},
    )
    summary = "; ".join(f"{e['field'] or e['location']}: {e['message']}" for e in errors)
    return error_response(
        422, "VALIDATION_ERROR", f"Invalid request: {summary}", {"errors": errors}
    )


async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Framework errors (unknown route, wrong method, oversized body) in the envelope."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ").capitalize()
    if exc.status_code == 404 and message == "Not Found":
        message = f"No route matches {request.method} {request.url.path}."
    response = error_response(exc.status_code, code, message, {"path": request.url.path})
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app: FastAPI) -> None:
    """Attach every handler to the app."""
    app.add_exception_handler(AppError, handle_app_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_error)
