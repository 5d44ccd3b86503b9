"""A response body that is already a validated model: serialised once, not validated again."""

from fastapi import Response
from pydantic import BaseModel


class ModelResponse(Response):
    """JSON of a model the service built (and so validated); the route declares the model as
    `response_model` for the OpenAPI document. Used on the hot paths (table pages, invocations)."""

    media_type = "application/json"

    def __init__(self, model: BaseModel, status_code: int = 200) -> None:
        super().__init__(model.model_dump_json().encode(), status_code)
