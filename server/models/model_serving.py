"""Model Serving API schemas."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

# The MLflow scoring protocol's body keys: a request carries exactly one of them.
SCORING_FORMATS = ("dataframe_split", "dataframe_records", "instances", "inputs")


class EndpointState(StrEnum):
    CREATING = "CREATING"
    READY = "READY"
    UPDATING = "UPDATING"
    FAILED = "FAILED"


class InferenceStatus(StrEnum):
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    TIMEOUT = "TIMEOUT"


class ModelEndpoint(BaseModel):
    endpoint_name: str
    endpoint_id: str
    model_name: str | None
    model_version: str | None
    state: EndpointState
    workload_url: str | None
    creation_timestamp: datetime | None
    last_updated_timestamp: datetime | None
    config: dict[str, Any]
    task: str | None = None
    description: str | None = None
    input_schema: dict[str, Any] | None = None


class InvokeRequest(BaseModel):
    endpoint_name: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_.-]+$")
    inputs: Any = Field(description="One record, a list of records, or a serving format")
    timeout_seconds: int = Field(default=30, ge=1, le=300)


class ModelInferenceResponse(BaseModel):
    request_id: str
    endpoint_name: str
    predictions: Any
    status: InferenceStatus
    execution_time_ms: float
    error_message: str | None = None
    completed_at: datetime


class InferenceLogEntry(BaseModel):
    request_id: str
    endpoint_name: str
    inputs: Any
    predictions: Any | None
    status: InferenceStatus
    execution_time_ms: float
    error_message: str | None
    created_at: datetime
    completed_at: datetime | None
    time_to_first_token_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    model_config = {"from_attributes": True}


@dataclass
class InferenceRecord:
    """One invocation as the inference log stores it, filled in as the call goes."""

    request_id: str
    endpoint_name: str
    user_id: str
    inputs: Any
    created_at: datetime
    predictions: Any = None
    status: InferenceStatus = InferenceStatus.ERROR
    error_message: str | None = None
    execution_time_ms: float = 0.0
    completed_at: datetime | None = None
    time_to_first_token_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
