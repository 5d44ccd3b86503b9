"""Local SQL statements: user-written Databricks SQL on the embedded DuckDB catalog, guarded.

The guard (`server.local_workspace.sql_guard`) checks grants on the parse tree and on DuckDB's
bound plan before anything runs; the connection is read-only with external access off and its
configuration locked. A statement runs on its own cursor in a thread; cancel interrupts it.
"""

import asyncio
import re
from collections.abc import Callable
from typing import Any

import duckdb
from sqlglot import exp

from server.adapters.identity.base import User
from server.adapters.sql.base import ResultSet, StatementCanceled, StatementRun
from server.adapters.sql.text import ReadStatement
from server.errors import AppError, CatalogPermissionDenied, InvalidQuery, TableNotFound
from server.local_workspace.catalog import LocalCatalog
from server.local_workspace.grants import Grants
from server.local_workspace.sql_dialect import CATALOG_PREFIX, duckdb_parameters
from server.local_workspace.sql_guard import (
    HIDDEN_SCHEMAS,
    CanSelect,
    check_plan,
    to_guarded_duckdb,
)
from server.local_workspace.values import json_value, uc_type
from server.models.catalog import ColumnMeta
from server.models.sql import Parameter

_SUGGESTION = re.compile(r"(?s)\s*(Did you mean|Candidate (bindings|tables)).*")


def _clean(message: str) -> str:
    """The engine's message without its internal names or suggestions of other names."""
    first = message.strip().splitlines()[0] if message.strip() else "The statement failed."
    return _SUGGESTION.sub("", first).replace(CATALOG_PREFIX, "")


def engine_error(exc: duckdb.Error) -> AppError:
    """A DuckDB failure as a domain error (messages cleaned of internal names)."""
    if isinstance(exc, duckdb.CatalogException):
        return TableNotFound(f"[TABLE_OR_VIEW_NOT_FOUND] {_clean(str(exc))}")
    return InvalidQuery(_clean(str(exc)), engine_error=type(exc).__name__)


ValueOf = Callable[[Any], Any]


def _fetch(
    cursor: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any],
    row_limit: int,
    value_of: ValueOf,
) -> ResultSet:
    try:
        cursor.execute(sql, params)
        description = cursor.description or []
        columns = [
            ColumnMeta(d[0], *uc_type(str(d[1])), position=i, nullable=True)
            for i, d in enumerate(description)
        ]
        raw = cursor.fetchmany(row_limit + 1) if description else []
    except duckdb.InterruptException as exc:
        raise StatementCanceled from exc
    except duckdb.Error as exc:
        raise engine_error(exc) from exc
    finally:
        cursor.close()
    rows = [[value_of(v) for v in row] for row in raw[:row_limit]]
    return ResultSet(columns, rows, truncated=len(raw) > row_limit)


class LocalRun:
    """A statement running in a worker thread on its own cursor."""

    def __init__(self, task: "asyncio.Future[ResultSet]", cursor: duckdb.DuckDBPyConnection):
        self._task = task
        self._cursor = cursor

    async def result(self) -> ResultSet:
        """The rows, once DuckDB is done. A caller that stops waiting (a timeout) does not cancel
        the worker's task, so `cancel` still sees it running and interrupts DuckDB."""
        return await asyncio.shield(self._task)

    async def cancel(self) -> None:
        """Interrupt DuckDB and wait for the worker to stop (it raises StatementCanceled, which
        the caller already reports, so its outcome is consumed here)."""
        if not self._task.done():
            self._cursor.interrupt()
        await asyncio.wait({self._task})
        if not self._task.cancelled():
            self._task.exception()


class FinishedRun:
    """A statement answered without running anything (DESCRIBE from catalog metadata)."""

    def __init__(self, result: ResultSet) -> None:
        self._result = result

    async def result(self) -> ResultSet:
        """The rows."""
        return self._result

    async def cancel(self) -> None:
        """Nothing to stop."""


class LocalSqlEngine:
    """User-written SQL on the embedded catalog, under the user's local grants."""

    def __init__(self, catalog: LocalCatalog, grants: Grants, value_of: ValueOf = json_value):
        """`value_of` renders each DuckDB value (JSON values for the API, wire strings for the
        emulator)."""
        self._catalog = catalog
        self._grants = grants
        self._value_of = value_of

    def _can_select(self, user: User) -> CanSelect:
        return lambda c, s, t: self._grants.can_select(user.user_id, c, s, t)

    async def start(
        self, user: User, statement: ReadStatement, parameters: list[Parameter], row_limit: int
    ) -> StatementRun:
        """Guard the statement, then run it in the background."""
        if isinstance(statement.tree, exp.Describe):
            return FinishedRun(await self._describe(user, statement.tree))
        can_select = self._can_select(user)
        duck_sql = to_guarded_duckdb(statement.tree, can_select)
        try:
            params = duckdb_parameters(parameters)
        except ValueError as exc:
            raise InvalidQuery(f"A parameter value does not match its type: {exc}") from exc
        cursor = self._catalog.cursor()
        try:
            await asyncio.to_thread(check_plan, cursor, duck_sql, params, can_select)
        except duckdb.Error as exc:
            cursor.close()
            raise engine_error(exc) from exc
        except AppError:
            cursor.close()
            raise
        task = asyncio.ensure_future(
            asyncio.to_thread(_fetch, cursor, duck_sql, params, row_limit, self._value_of)
        )
        return LocalRun(task, cursor)

    async def _describe(self, user: User, tree: exp.Describe) -> ResultSet:
        table = tree.this
        if not isinstance(table, exp.Table) or not (table.catalog and table.db):
            raise InvalidQuery("DESCRIBE needs a table named catalog.schema.table.")
        catalog, schema, name = table.catalog, table.db, table.name
        meta = None
        if schema.lower() not in HIDDEN_SCHEMAS:
            meta = await asyncio.to_thread(self._catalog.table, catalog, schema, name)
        if meta is None:
            raise TableNotFound(
                f"[TABLE_OR_VIEW_NOT_FOUND] {catalog}.{schema}.{name} does not exist.",
                catalog=catalog,
                schema=schema,
                table=name,
            )
        if not self._grants.can_select(user.user_id, catalog, schema, name):
            raise CatalogPermissionDenied(catalog=catalog, schema=schema, table=name)
        string = ("STRING", "string")
        columns = [
            ColumnMeta(n, *string, position=i, nullable=True)
            for i, n in enumerate(("col_name", "data_type", "comment"))
        ]
        return ResultSet(columns, [[c.name, c.type_text, c.comment] for c in meta.columns])
