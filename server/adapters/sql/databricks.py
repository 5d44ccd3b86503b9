"""SQL statements on a SQL warehouse through the Statement Execution API, as the calling user.

The text is sent unchanged (it is Databricks SQL already) on the user's token, so the warehouse
enforces Unity Catalog. Submitted with `wait_timeout=0s` and polled, so a cancel can reach it;
`row_limit` is the API's own, which sets `truncated` (Databricks docs, ExecuteStatementRequest:
https://databricks.github.io/sdk-js/api/interfaces/_databricks_sdk-statementexecution.v1.ExecuteStatementRequest.html).
INLINE results are capped at 25 MiB by the warehouse, which fits the app's own result budget.
"""

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import (
    Disposition,
    ExecuteStatementRequestOnWaitTimeout,
    Format,
    StatementParameterListItem,
    StatementResponse,
    StatementState,
)

from server.adapters.identity.base import User
from server.adapters.sdk_errors import sdk_boundary
from server.adapters.sql.base import ResultSet, StatementCanceled, StatementRun
from server.adapters.sql.text import ReadStatement
from server.adapters.unity_catalog.databricks import UC_ERRORS, statement_failure
from server.adapters.workspace import WorkspaceClients
from server.models.catalog import ColumnMeta
from server.models.sql import Parameter, parse_wire

T = TypeVar("T")
_POLL_SECONDS = (0.1, 0.2, 0.5, 1.0)
_ACTIVE = {StatementState.PENDING, StatementState.RUNNING}


def _guarded(fn: Callable[[], T]) -> T:
    with sdk_boundary(UC_ERRORS):
        return fn()


def _result(w: WorkspaceClient, response: StatementResponse) -> ResultSet:
    manifest = response.manifest
    schema = manifest.schema if manifest else None
    columns = [
        ColumnMeta(
            c.name or "",
            c.type_name.value if c.type_name else "STRING",
            c.type_text or "",
            position=i,
            nullable=True,
        )
        for i, c in enumerate(schema.columns if schema and schema.columns else [])
    ]
    types = [c.type_name for c in columns]
    rows: list[list[Any]] = []
    chunk = response.result
    while chunk is not None:
        rows += [
            [parse_wire(v, t) for v, t in zip(r, types, strict=True)]
            for r in chunk.data_array or []
        ]
        if chunk.next_chunk_index is None:
            break
        chunk = w.statement_execution.get_statement_result_chunk_n(
            response.statement_id or "", chunk.next_chunk_index
        )
    return ResultSet(columns, rows, truncated=bool(manifest and manifest.truncated))


class DatabricksRun:
    """A statement on the warehouse, polled until it ends."""

    def __init__(self, w: WorkspaceClient, response: StatementResponse) -> None:
        self._w = w
        self._response = response
        self._id = response.statement_id or ""

    def _wait(self) -> ResultSet:
        response, attempt = self._response, 0
        while response.status and response.status.state in _ACTIVE:
            time.sleep(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])
            attempt += 1
            response = self._w.statement_execution.get_statement(self._id)
        state = response.status.state if response.status else None
        if state in (StatementState.CANCELED, StatementState.CLOSED):
            raise StatementCanceled
        if state != StatementState.SUCCEEDED:
            raise statement_failure(response)
        return _result(self._w, response)

    async def result(self) -> ResultSet:
        """Poll to a terminal state and read every chunk."""
        return await asyncio.to_thread(_guarded, self._wait)

    async def cancel(self) -> None:
        """Ask the warehouse to cancel the statement."""
        await asyncio.to_thread(
            _guarded, lambda: self._w.statement_execution.cancel_execution(self._id)
        )


class DatabricksSqlEngine:
    """Statements on one SQL warehouse, each as the user who sent it."""

    def __init__(self, clients: WorkspaceClients, warehouse_id: str) -> None:
        self._clients = clients
        self._warehouse_id = warehouse_id

    async def start(
        self, user: User, statement: ReadStatement, parameters: list[Parameter], row_limit: int
    ) -> StatementRun:
        """Submit the statement without waiting for it."""
        w = self._clients.for_caller(user.access_token)
        response = await asyncio.to_thread(
            _guarded,
            lambda: w.statement_execution.execute_statement(
                statement=statement.text,
                warehouse_id=self._warehouse_id,
                parameters=[
                    StatementParameterListItem(name=p.name, value=p.value, type=p.type)
                    for p in parameters
                ],
                row_limit=row_limit,
                wait_timeout="0s",
                on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CONTINUE,
                disposition=Disposition.INLINE,
                format=Format.JSON_ARRAY,
            ),
        )
        if response.status and response.status.state == StatementState.FAILED:
            raise statement_failure(response)
        return DatabricksRun(w, response)
