"""Unity Catalog rules: browse what the caller may see, read one page of a table at a time."""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TypeVar

from server.adapters.identity.base import User
from server.adapters.unity_catalog.base import CatalogReader, Rows
from server.errors import DatabaseUnavailable
from server.models.catalog import TableMeta
from server.models.unity_catalog import (
    AccessLevel,
    ColumnDefinition,
    DataSource,
    QueryColumn,
    QueryRequest,
    QueryResult,
    QueryStatus,
)
from server.observability.logging import timed
from server.observability.telemetry import UC_STATEMENT_DURATION, measured
from server.services.query_builder import Statement, count_statement, page_statement

logger = logging.getLogger(__name__)
T = TypeVar("T")


def data_source(meta: TableMeta, user: User) -> DataSource:
    """The API view of a table's metadata for this caller."""
    owner_is_caller = meta.owner.lower() == user.user_id.lower()
    return DataSource(
        catalog_name=meta.catalog,
        schema_name=meta.schema,
        table_name=meta.name,
        full_name=meta.full_name,
        columns=[
            ColumnDefinition(
                name=c.name, data_type=c.type_text, nullable=c.nullable, comment=c.comment
            )
            for c in meta.columns
        ],
        row_count=meta.row_count,
        size_bytes=meta.size_bytes,
        owner=meta.owner,
        access_level=AccessLevel.WRITE if owner_is_caller else AccessLevel.READ,
        last_refreshed=meta.created_at,
        comment=meta.comment,
    )


class UnityCatalogService:
    """Browsing and paged reads, each bounded in time and logged with its duration."""

    def __init__(self, reader: CatalogReader, timeout_seconds: float) -> None:
        self._reader = reader
        self._timeout = timeout_seconds

    async def _bounded(self, call: Awaitable[T], what: str) -> T:
        try:
            return await asyncio.wait_for(call, self._timeout)
        except TimeoutError as exc:
            raise DatabaseUnavailable(
                f"Unity Catalog did not answer within {self._timeout:g} s.", operation=what
            ) from exc

    async def catalogs(self, user: User) -> list[str]:
        """Catalog names the caller may use."""
        with timed(logger, "uc list catalogs"):
            return await self._bounded(self._reader.catalogs(user), "catalogs")

    async def schemas(self, user: User, catalog: str) -> list[str]:
        """Schema names in a catalog."""
        with timed(logger, "uc list schemas", catalog=catalog):
            return await self._bounded(self._reader.schemas(user, catalog), "schemas")

    async def table_names(self, user: User, catalog: str, schema: str) -> list[str]:
        """Table names in a schema."""
        with timed(logger, "uc list table names", catalog=catalog, schema=schema):
            return await self._bounded(
                self._reader.table_names(user, catalog, schema), "table_names"
            )

    async def tables(self, user: User, catalog: str, schema: str) -> list[DataSource]:
        """Tables in a schema with columns, owner, access level and row counts."""
        with timed(logger, "uc list tables", catalog=catalog, schema=schema):
            metas = await self._bounded(self._reader.tables(user, catalog, schema), "tables")
        return [data_source(m, user) for m in metas]

    async def _run(self, user: User, statement: Statement, meta: TableMeta) -> Rows:
        with (
            timed(logger, "uc statement", table=meta.full_name) as fields,
            measured(UC_STATEMENT_DURATION),
        ):
            rows = await self._bounded(
                self._reader.run(user, statement.sql, statement.parameters), "statement"
            )
            fields["row_count"] = len(rows.rows)
        return rows

    async def query(self, user: User, request: QueryRequest) -> QueryResult:
        """One page of a table, with the filtered total row count."""
        started = time.perf_counter()
        meta = await self._bounded(
            self._reader.table(user, request.catalog, request.schema_, request.table), "table"
        )
        statement = page_statement(meta, request)
        result = await self._run(user, statement, meta)
        total_index = len(result.columns) - 1
        total = int(result.rows[0][total_index]) if result.rows else 0
        if not result.rows and request.offset > 0:
            counted = await self._run(user, count_statement(meta, request), meta)
            total = int(counted.rows[0][0])
        names = [name for name, _ in result.columns[:total_index]]
        rows = [dict(zip(names, row[:total_index], strict=True)) for row in result.rows]
        return QueryResult(
            query_id=str(uuid.uuid4()),
            data_source=data_source(meta, user),
            sql_statement=statement.sql,
            columns=[QueryColumn(name=n, data_type=t) for n, t in result.columns[:total_index]],
            rows=rows,
            row_count=len(rows),
            total_row_count=total,
            execution_time_ms=round((time.perf_counter() - started) * 1000, 2),
            user_id=user.user_id,
            executed_at=datetime.now(UTC),
            status=QueryStatus.SUCCEEDED,
        )
