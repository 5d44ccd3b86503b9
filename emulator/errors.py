"""Databricks-shaped error bodies: {"error_code", "message"}."""

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


class DatabricksError(Exception):
    """An error the emulator answers with the Databricks error body."""

    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message


def not_found(message: str) -> DatabricksError:
    """404 RESOURCE_DOES_NOT_EXIST."""
    return DatabricksError(404, "RESOURCE_DOES_NOT_EXIST", message)


def bad_request(message: str) -> DatabricksError:
    """400 INVALID_PARAMETER_VALUE."""
    return DatabricksError(400, "INVALID_PARAMETER_VALUE", message)


def permission_denied(message: str) -> DatabricksError:
    """403 PERMISSION_DENIED."""
    return DatabricksError(403, "PERMISSION_DENIED", message)


async def handle_databricks_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DatabricksError)
    return JSONResponse({"error_code": exc.error_code, "message": exc.message}, exc.status)


async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = "ENDPOINT_NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"
    return JSONResponse({"error_code": code, "message": str(exc.detail)}, exc.status_code)


async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {"error_code": "INVALID_PARAMETER_VALUE", "message": str(exc.errors())[:1000]}, 400
    )
