"""The error envelope, as declared in the OpenAPI document."""

from typing import Any

from pydantic import BaseModel


class ErrorEnvelope(BaseModel):
    error_code: str
    message: str
    technical_details: dict[str, Any]
    retry_after: int | None = None


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the given error statuses."""
    return {
        status: {"model": ErrorEnvelope, "description": "Error envelope"} for status in statuses
    }
