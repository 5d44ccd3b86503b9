"""Unity Catalog API schemas: DataSource, QueryRequest, QueryResult."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]+$", max_length=255)]
FilterValue = str | int | float | bool | None


class AccessLevel(StrEnum):
    READ = "READ"
    WRITE = "WRITE"
    NONE = "NONE"


class QueryStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class ColumnDefinition(BaseModel):
    name: str
    data_type: str
    nullable: bool
    comment: str | None = None


class DataSource(BaseModel):
    catalog_name: str
    schema_name: str
    table_name: str
    full_name: str
    columns: list[ColumnDefinition]
    row_count: int | None
    size_bytes: int | None
    owner: str | None
    access_level: AccessLevel
    last_refreshed: datetime | None
    comment: str | None = None


class QueryRequest(BaseModel):
    """One page of a table. Identifiers are validated; filter values are bound, never spliced."""

    catalog: Identifier
    schema_: Identifier = Field(alias="schema")
    table: Identifier
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)
    filters: dict[str, FilterValue] | None = Field(default=None, max_length=20)
    order_by: str | None = Field(default=None, max_length=255)
    order_direction: Literal["ASC", "DESC"] = "ASC"
    query_id: str | None = Field(
        default=None,
        max_length=64,
        description="Keep paging the result of an earlier page (its `query_id`) instead of "
        "running the statement again; an expired one runs again and the answer says so.",
    )

    model_config = {"populate_by_name": True}

    @field_validator("filters")
    @classmethod
    def _string_values_bounded(
        cls, value: dict[str, FilterValue] | None
    ) -> dict[str, FilterValue] | None:
        for key, item in (value or {}).items():
            if isinstance(item, str) and len(item) > 10_000:
                raise ValueError(f"filter value for {key!r} is longer than 10000 characters")
        return value


class QueryColumn(BaseModel):
    name: str
    data_type: str


class QueryResult(BaseModel):
    query_id: str
    data_source: DataSource
    sql_statement: str
    columns: list[QueryColumn]
    rows: list[dict[str, Any]]
    row_count: int
    total_row_count: int
    execution_time_ms: float
    user_id: str
    executed_at: datetime
    status: QueryStatus
    error_message: str | None = None
    expires_at: datetime = Field(
        description="Until when pages can be read from this result by sending its `query_id`."
    )
    truncated: bool = Field(
        description="The statement's result was cut at the row limit: later rows are not paged."
    )
    result_reused: bool = Field(
        description="This page was read from a kept result, without running the statement."
    )
    result_expired: bool = Field(
        description="The `query_id` sent had expired, so the statement ran again."
    )
