"""SQL statements API schemas: a statement request, its result pages, and statement errors.

Field meanings follow the Databricks Statement Execution API (`row_limit` sets `truncated`;
parameters are `{name, value, type}` with string values, NULL when `value` is absent):
https://databricks.github.io/sdk-js/api/interfaces/_databricks_sdk-statementexecution.v1.ExecuteStatementRequest.html
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

MAX_ROW_LIMIT = 100_000
MAX_PAGE_ROWS = 1_000
ParameterType = Annotated[
    str,
    StringConstraints(
        pattern=r"(?i)^(STRING|BOOLEAN|TINYINT|BYTE|SMALLINT|SHORT|INT|INTEGER|BIGINT|LONG|FLOAT"
        r"|REAL|DOUBLE|DATE|TIMESTAMP|TIMESTAMP_NTZ|DECIMAL(\(\s*\d{1,2}\s*(,\s*\d{1,2}\s*)?\))?)$",
        max_length=32,
    ),
]


class StatementState(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class StatementParameter(BaseModel):
    """A named parameter: `:name` in the statement; `value` as text (absent = NULL)."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)]
    value: Annotated[str, StringConstraints(max_length=65_536)] | None = None
    type: ParameterType = "STRING"


class StatementRequest(BaseModel):
    """One read-only statement in Databricks SQL."""

    statement: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
    parameters: Annotated[list[StatementParameter], Field(max_length=256)] = []
    row_limit: int = Field(default=10_000, ge=1, le=MAX_ROW_LIMIT)
    timeout_seconds: int = Field(default=60, ge=1, le=600, description="Cancel after this long")
    wait_timeout_seconds: int = Field(
        default=10,
        ge=0,
        le=50,
        description="Answer after at most this long; a statement still running keeps running",
    )
    page_size: int = Field(default=100, ge=0, le=MAX_PAGE_ROWS, description="Rows in the answer")


class StatementColumn(BaseModel):
    name: str
    type_name: str
    type_text: str


class StatementError(BaseModel):
    error_code: str
    message: str


class StatementResult(BaseModel):
    """A statement's state and, once it succeeded, its columns and first page of rows."""

    statement_id: str
    status: StatementState
    statement: str
    columns: list[StatementColumn] = []
    rows: list[list[Any]] = []
    offset: int = 0
    row_count: int = 0
    total_row_count: int = 0
    truncated: bool = False
    execution_time_ms: float | None = None
    submitted_at: datetime
    error: StatementError | None = None


class StatementRows(BaseModel):
    """Another page of a finished statement's rows."""

    statement_id: str
    columns: list[StatementColumn]
    rows: list[list[Any]]
    offset: int
    row_count: int
    total_row_count: int
    truncated: bool


class ChartKind(StrEnum):
    BAR = "bar"
    LINE = "line"
    AREA = "area"
    SCATTER = "scatter"
    HISTOGRAM = "histogram"


NoNulText = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
ColumnName = Annotated[NoNulText, StringConstraints(min_length=1, max_length=255)]


class ChartSettings(BaseModel):
    """How a result is charted: the kind, the x column and the y columns."""

    kind: ChartKind = ChartKind.BAR
    x_column: ColumnName | None = None
    y_columns: Annotated[list[ColumnName], Field(max_length=10)] = []
    bins: int = Field(default=20, ge=2, le=200, description="Histogram buckets")


class SavedQueryCreate(BaseModel):
    """Save (or replace, by name) one of the caller's queries."""

    name: Annotated[
        NoNulText, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)
    ]
    query_text: Annotated[NoNulText, StringConstraints(min_length=1, max_length=100_000)]
    chart: ChartSettings | None = None


class SavedQuery(BaseModel):
    id: int
    name: str
    query_text: str
    chart: ChartSettings | None = None
    created_at: datetime
    updated_at: datetime

    model_config = {"from_attributes": True}


class QueryHistoryEntry(BaseModel):
    id: int
    statement_id: str | None
    query_text: str
    status: str
    row_count: int | None
    execution_time_ms: float | None
    error_message: str | None
    created_at: datetime

    model_config = {"from_attributes": True}
