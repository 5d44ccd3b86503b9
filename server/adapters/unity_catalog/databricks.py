"""Unity Catalog through the Databricks SDK: UC metadata APIs and the Statement Execution API.

Calls run as the user when the Apps proxy forwarded their token (on-behalf-of), else as the app's
service principal. SDK errors become domain errors here, at the boundary.
"""

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from databricks.sdk import WorkspaceClient
from databricks.sdk import errors as sdk_errors
from databricks.sdk.service.catalog import TableInfo
from databricks.sdk.service.sql import (
    Disposition,
    ExecuteStatementRequestOnWaitTimeout,
    Format,
    State,
    StatementParameterListItem,
    StatementResponse,
    StatementState,
)

from server.adapters.identity.base import User
from server.adapters.sdk_errors import (
    Where,
    call_sdk,
    error_table,
    explain_refusal,
    sdk_error_message,
)
from server.adapters.unity_catalog.base import KeptRows, ResultGone, Rows
from server.adapters.workspace import WorkspaceClients
from server.errors import (
    AppError,
    CatalogPermissionDenied,
    DatabaseUnavailable,
    InvalidQuery,
    PermissionDenied,
    TableNotFound,
)
from server.models.catalog import ColumnMeta, TableMeta
from server.models.sql import Parameter, parse_wire

logger = logging.getLogger(__name__)
T = TypeVar("T")
_POLL_SECONDS = (0.1, 0.2, 0.5, 1.0, 2.0)
_WAREHOUSE_CHECK_SECONDS = 60.0
# An INLINE result over 25 MiB aborts the statement ("If a given statement produces a result set
# with a size larger than 25 MiB, that statement execution is aborted"), while `byte_limit`
# truncates the result and sets `manifest.truncated`:
# https://docs.databricks.com/api/workspace/statementexecution/executestatement
# So kept results ask for less than that and say when they were cut short.
_INLINE_BYTE_LIMIT = 20 * 1024 * 1024
_WIRE_BYTES_PER_VALUE = 24
_DONE = {
    StatementState.SUCCEEDED,
    StatementState.FAILED,
    StatementState.CANCELED,
    StatementState.CLOSED,
}


def _table_not_found(exc: Exception, where: Where) -> AppError:
    return TableNotFound(str(exc), **where)


def _catalog_refusal(exc: Exception, where: Where) -> AppError:
    """A refusal that is not about the table (a missing OAuth scope, no CAN_USE on the warehouse)
    names its cause and fix; anything else is a table the caller may not read."""
    message = sdk_error_message(exc)
    explained = explain_refusal(message)
    if explained != message:
        return PermissionDenied(explained, **where)
    return CatalogPermissionDenied(**where)


def _invalid_query(exc: Exception, where: Where) -> AppError:
    return InvalidQuery(str(exc))


def _warehouse_unavailable(exc: Exception, where: Where) -> AppError:
    return DatabaseUnavailable(
        "The SQL warehouse or Unity Catalog is unavailable.", cause=type(exc).__name__
    )


UC_ERRORS = error_table(
    _warehouse_unavailable,
    {
        sdk_errors.NotFound: _table_not_found,
        sdk_errors.PermissionDenied: _catalog_refusal,
        sdk_errors.BadRequest: _invalid_query,
    },
)


@dataclass
class _KeptStatement:
    """A statement whose result the warehouse keeps: chunk offsets from its manifest and the one
    chunk most recently read (a page is usually next to the previous one)."""

    statement_id: str
    types: list[str]
    chunks: list[tuple[int, int]]  # (row_offset, row_count) by chunk index
    cached: dict[int, list[list[str]]] = field(default_factory=dict)

    def overlapping(self, offset: int, limit: int) -> Iterator[tuple[int, int, int]]:
        """(chunk index, first, end) positions within each chunk that holds part of the page."""
        for index, (start, count) in enumerate(self.chunks):
            if start < offset + limit and start + count > offset:
                yield index, max(offset - start, 0), min(offset + limit - start, count)


def _columns(response: StatementResponse) -> list[tuple[str, str]]:
    schema = response.manifest.schema if response.manifest else None
    return [
        (c.name or "", c.type_name.value if c.type_name else "STRING")
        for c in (schema.columns if schema and schema.columns else [])
    ]


def _parse_rows(data: list[list[str]], types: list[str]) -> list[list[Any]]:
    return [[parse_wire(v, t) for v, t in zip(r, types, strict=True)] for r in data]


def _int_property(properties: dict[str, str], key: str) -> int | None:
    value = properties.get(key)
    return int(value) if value and value.isdigit() else None


def _table_meta(info: TableInfo) -> TableMeta:
    columns = tuple(
        ColumnMeta(
            name=c.name or "",
            type_name=c.type_name.value if c.type_name else "STRING",
            type_text=c.type_text or "",
            position=c.position if c.position is not None else i,
            nullable=c.nullable if c.nullable is not None else True,
            comment=c.comment,
        )
        for i, c in enumerate(info.columns or [])
    )
    props = info.properties or {}
    return TableMeta(
        catalog=info.catalog_name or "",
        schema=info.schema_name or "",
        name=info.name or "",
        columns=columns,
        owner=info.owner or "",
        comment=info.comment,
        row_count=_int_property(props, "spark.sql.statistics.numRows"),
        size_bytes=_int_property(props, "spark.sql.statistics.totalSize"),
    )


def statement_failure(response: StatementResponse) -> AppError:
    """The domain error of a FAILED statement, read from the warehouse's error message."""
    error = response.status.error if response.status else None
    message = (error.message if error else None) or "The statement did not succeed."
    if "TABLE_OR_VIEW_NOT_FOUND" in message:
        return TableNotFound(message)
    if "PERMISSION" in message.upper():
        return CatalogPermissionDenied(message)
    return InvalidQuery(message, statement_id=response.statement_id)


class DatabricksCatalogReader:
    """UC metadata through the SDK; rows through the Statement Execution API on one warehouse."""

    def __init__(
        self,
        clients: WorkspaceClients,
        warehouse_id: str,
        timeout_seconds: float,
        warehouse_start_timeout_seconds: float,
    ) -> None:
        self._clients = clients
        self._warehouse_id = warehouse_id
        self._timeout = timeout_seconds
        self._start_timeout = warehouse_start_timeout_seconds
        self._warehouse_seen_running = 0.0

    def _client(self, user: User) -> WorkspaceClient:
        return self._clients.for_caller(user.access_token)

    async def _call(
        self, fn: Callable[[], T], catalog: str = "", schema: str = "", table: str = ""
    ) -> T:
        return await call_sdk(fn, UC_ERRORS, catalog=catalog, schema=schema, table=table)

    async def catalogs(self, user: User) -> list[str]:
        """Catalogs visible to the caller."""
        w = self._client(user)
        return sorted(c.name for c in await self._call(lambda: list(w.catalogs.list())) if c.name)

    async def schemas(self, user: User, catalog: str) -> list[str]:
        """Schemas visible in a catalog."""
        w = self._client(user)
        found = await self._call(
            lambda: list(w.schemas.list(catalog_name=catalog)), catalog=catalog
        )
        return sorted(s.name for s in found if s.name and s.name != "information_schema")

    async def _table_infos(self, user: User, catalog: str, schema: str) -> list[TableInfo]:
        w = self._client(user)
        return await self._call(
            lambda: list(w.tables.list(catalog_name=catalog, schema_name=schema)),
            catalog=catalog,
            schema=schema,
        )

    async def table_names(self, user: User, catalog: str, schema: str) -> list[str]:
        """Tables visible in a schema."""
        infos = await self._table_infos(user, catalog, schema)
        return sorted(t.name for t in infos if t.name)

    async def tables(self, user: User, catalog: str, schema: str) -> list[TableMeta]:
        """Metadata of the tables visible in a schema."""
        infos = await self._table_infos(user, catalog, schema)
        return sorted((_table_meta(t) for t in infos), key=lambda m: m.name)

    async def table(self, user: User, catalog: str, schema: str, table: str) -> TableMeta:
        """One table's metadata."""
        w = self._client(user)
        info = await self._call(
            lambda: w.tables.get(f"{catalog}.{schema}.{table}"),
            catalog=catalog,
            schema=schema,
            table=table,
        )
        return _table_meta(info)

    async def run(self, user: User, sql: str, parameters: list[Parameter]) -> Rows:
        """Execute on the warehouse, poll to a terminal state, read every chunk."""
        w = self._client(user)
        return await self._call(lambda: self._execute(w, sql, parameters))

    def _ensure_warehouse_running(self, w: WorkspaceClient) -> None:
        """Start the warehouse when it is stopped; checked at most once a minute while running."""
        if time.monotonic() - self._warehouse_seen_running < _WAREHOUSE_CHECK_SECONDS:
            return
        warehouse = w.warehouses.get(self._warehouse_id)
        if warehouse.state in (State.STOPPED, State.STOPPING):
            logger.info(
                "starting stopped SQL warehouse", extra={"warehouse_id": self._warehouse_id}
            )
            w.warehouses.start(self._warehouse_id)
        elif warehouse.state == State.RUNNING:
            self._warehouse_seen_running = time.monotonic()

    def _execute(self, w: WorkspaceClient, sql: str, parameters: list[Parameter]) -> Rows:
        return self._rows(w, self._submit(w, sql, parameters))

    def _submit(
        self,
        w: WorkspaceClient,
        sql: str,
        parameters: list[Parameter],
        row_limit: int | None = None,
        byte_limit: int | None = None,
    ) -> StatementResponse:
        self._ensure_warehouse_running(w)
        response = w.statement_execution.execute_statement(
            statement=sql,
            warehouse_id=self._warehouse_id,
            parameters=[
                StatementParameterListItem(name=p.name, value=p.value, type=p.type)
                for p in parameters
            ],
            wait_timeout="5s",
            on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CONTINUE,
            disposition=Disposition.INLINE,
            format=Format.JSON_ARRAY,
            row_limit=row_limit,
            byte_limit=byte_limit,
        )
        return self._poll(w, response)

    def _poll(self, w: WorkspaceClient, response: StatementResponse) -> StatementResponse:
        deadline = time.monotonic() + self._timeout + self._start_timeout
        attempt = 0
        while response.status and response.status.state not in _DONE:
            if response.status.state == StatementState.PENDING and attempt == 0:
                self._warehouse_seen_running = 0.0  # it may have stopped since the last check
                self._ensure_warehouse_running(w)
            if time.monotonic() > deadline:
                w.statement_execution.cancel_execution(response.statement_id or "")
                raise DatabaseUnavailable("The SQL warehouse did not finish the statement in time.")
            time.sleep(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])
            attempt += 1
            response = w.statement_execution.get_statement(response.statement_id or "")
        state = response.status.state if response.status else None
        if state != StatementState.SUCCEEDED:
            raise self._failure(response)
        return response

    @staticmethod
    def _failure(response: StatementResponse) -> AppError:
        state = response.status.state if response.status else None
        if state in (StatementState.CANCELED, StatementState.CLOSED):
            return DatabaseUnavailable(
                "The SQL warehouse canceled the statement. Please retry.",
                statement_id=response.statement_id,
                state=state.value,
            )
        return statement_failure(response)

    @staticmethod
    def _rows(w: WorkspaceClient, response: StatementResponse) -> Rows:
        columns = _columns(response)
        types = [t for _, t in columns]
        rows: list[list[object]] = []
        chunk = response.result
        while chunk is not None:
            rows += _parse_rows(chunk.data_array or [], types)
            if chunk.next_chunk_index is None:
                break
            chunk = w.statement_execution.get_statement_result_chunk_n(
                response.statement_id or "", chunk.next_chunk_index
            )
        return Rows(columns=columns, rows=rows)

    async def open_result(
        self, user: User, sql: str, parameters: list[Parameter], row_limit: int
    ) -> KeptRows:
        """Execute once with `row_limit`; the warehouse keeps the result, served in chunks."""
        w = self._client(user)
        return await self._call(lambda: self._open(w, sql, parameters, row_limit))

    def _open(
        self, w: WorkspaceClient, sql: str, parameters: list[Parameter], row_limit: int
    ) -> KeptRows:
        response = self._submit(w, sql, parameters, row_limit, _INLINE_BYTE_LIMIT)
        manifest = response.manifest
        columns = _columns(response)
        chunks = [
            (c.row_offset or 0, c.row_count or 0) for c in (manifest and manifest.chunks) or []
        ]
        kept = _KeptStatement(response.statement_id or "", [t for _, t in columns], chunks)
        first = response.result
        if first is not None and first.data_array is not None:
            kept.cached[first.chunk_index or 0] = first.data_array
        widest = max((count for _, count in chunks), default=0)
        return KeptRows(
            columns=columns,
            total_row_count=(manifest.total_row_count if manifest else None) or 0,
            truncated=bool(manifest and manifest.truncated),
            size_bytes=1024 + widest * len(columns) * _WIRE_BYTES_PER_VALUE,
            handle=kept,
        )

    async def read_result(
        self, user: User, result: KeptRows, offset: int, limit: int
    ) -> list[list[Any]]:
        """The chunks that hold the page, fetched with `get_statement_result_chunk_n`."""
        kept = result.handle
        if not isinstance(kept, _KeptStatement):
            raise ResultGone("not a warehouse result")
        w = self._client(user)
        return await self._call(lambda: self._slice(w, kept, offset, limit))

    def _slice(
        self, w: WorkspaceClient, kept: _KeptStatement, offset: int, limit: int
    ) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for index, first, end in kept.overlapping(offset, limit):
            rows += _parse_rows(self._chunk(w, kept, index)[first:end], kept.types)
        return rows

    @staticmethod
    def _chunk(w: WorkspaceClient, kept: _KeptStatement, index: int) -> list[list[str]]:
        data = kept.cached.get(index)
        if data is not None:
            return data
        try:
            chunk = w.statement_execution.get_statement_result_chunk_n(kept.statement_id, index)
        except (sdk_errors.NotFound, sdk_errors.BadRequest) as exc:
            # A closed statement's result is "no longer available for fetch" (StatementState
            # CLOSED): https://docs.databricks.com/api/workspace/statementexecution/getstatement
            raise ResultGone(kept.statement_id) from exc
        data = chunk.data_array or []
        kept.cached = {index: data}
        return data

    def release(self, result: KeptRows) -> None:
        """Nothing to free on the warehouse (it expires results itself); drop the cached chunk."""
        if isinstance(result.handle, _KeptStatement):
            result.handle.cached = {}

    async def check(self) -> str:
        """Readiness: the warehouse exists and the caller can see it."""
        w = self._clients.service_principal
        warehouse = await self._call(lambda: w.warehouses.get(self._warehouse_id))
        return f"warehouse {self._warehouse_id} {warehouse.state.value if warehouse.state else ''}"
