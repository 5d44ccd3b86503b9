"""Domain errors, raised by services and adapters and turned into the error envelope in one place.

AppError                      (base: error_code, http_status, message, technical_details)
├── AuthRequired              401 AUTH_REQUIRED
├── PermissionDenied          403 PERMISSION_DENIED
├── CatalogPermissionDenied   403 CATALOG_PERMISSION_DENIED
├── TableNotFound             404 TABLE_NOT_FOUND
├── InvalidQuery              400 INVALID_QUERY
├── InvalidPreference         400 INVALID_PREFERENCE
├── PreferenceNotFound        404 PREFERENCE_NOT_FOUND
├── StatementNotFound         404 STATEMENT_NOT_FOUND
├── SavedQueryNotFound        404 QUERY_NOT_FOUND
├── EndpointNotFound          404 ENDPOINT_NOT_FOUND
├── EndpointNotReady          409 ENDPOINT_NOT_READY
├── ModelInputInvalid         400 INVALID_MODEL_INPUT
├── ModelTimeout              504 MODEL_TIMEOUT
└── ServiceUnavailable        503 (adds retry_after)
    ├── DatabaseUnavailable   503 DATABASE_UNAVAILABLE, retry_after 10
    └── ModelUnavailable      503 MODEL_UNAVAILABLE, retry_after 30
"""

from typing import Any, ClassVar


class AppError(Exception):
    """A failure a client should see, with a stable code and HTTP status."""

    error_code: ClassVar[str] = "INTERNAL_ERROR"
    http_status: ClassVar[int] = 500
    default_message: ClassVar[str] = "An unexpected error occurred."

    def __init__(self, message: str | None = None, **technical_details: Any) -> None:
        self.message = message or self.default_message
        self.technical_details = technical_details
        super().__init__(self.message)


class AuthRequired(AppError):
    error_code = "AUTH_REQUIRED"
    http_status = 401
    default_message = "Authentication required."


class PermissionDenied(AppError):
    error_code = "PERMISSION_DENIED"
    http_status = 403
    default_message = "You don't have permission to use this resource."


class CatalogPermissionDenied(AppError):
    error_code = "CATALOG_PERMISSION_DENIED"
    http_status = 403
    default_message = "You don't have access to this table."


class TableNotFound(AppError):
    error_code = "TABLE_NOT_FOUND"
    http_status = 404
    default_message = "Table not found."


class InvalidQuery(AppError):
    error_code = "INVALID_QUERY"
    http_status = 400
    default_message = "The query is not valid."


class InvalidPreference(AppError):
    error_code = "INVALID_PREFERENCE"
    http_status = 400
    default_message = "The preference is not valid."


class PreferenceNotFound(AppError):
    error_code = "PREFERENCE_NOT_FOUND"
    http_status = 404
    default_message = "Preference not found."


class StatementNotFound(AppError):
    error_code = "STATEMENT_NOT_FOUND"
    http_status = 404
    default_message = "The statement does not exist or has expired."


class SavedQueryNotFound(AppError):
    error_code = "QUERY_NOT_FOUND"
    http_status = 404
    default_message = "Saved query not found."


class EndpointNotFound(AppError):
    error_code = "ENDPOINT_NOT_FOUND"
    http_status = 404
    default_message = "Serving endpoint not found."


class EndpointNotReady(AppError):
    error_code = "ENDPOINT_NOT_READY"
    http_status = 409
    default_message = "Serving endpoint is not ready."


class ModelInputInvalid(AppError):
    error_code = "INVALID_MODEL_INPUT"
    http_status = 400
    default_message = "The model input is not valid."


class ModelTimeout(AppError):
    error_code = "MODEL_TIMEOUT"
    http_status = 504
    default_message = "The model did not answer in time."


class ServiceUnavailable(AppError):
    """A backend cannot answer now; the client should retry after `retry_after` seconds."""

    error_code = "SERVICE_UNAVAILABLE"
    http_status = 503
    retry_after: ClassVar[int] = 10


class DatabaseUnavailable(ServiceUnavailable):
    error_code = "DATABASE_UNAVAILABLE"
    default_message = "The database is unavailable. Please retry shortly."
    retry_after = 10


class ModelUnavailable(ServiceUnavailable):
    error_code = "MODEL_UNAVAILABLE"
    default_message = "The model endpoint is unavailable. Please retry shortly."
    retry_after = 30
