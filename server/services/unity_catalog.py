"""Unity Catalog rules: browse what the caller may see, read one page of a table at a time.

A table's pages come from one statement: the first page runs it, later pages (with its `query_id`,
or any page past the first of the same table, filters and order) are slices of its kept result.
"""

import asyncio
import json
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from server.adapters.identity.base import User, result_owner
from server.adapters.unity_catalog.base import CatalogReader, KeptRows, ResultGone
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
from server.services.query_builder import result_statement
from server.services.result_cache import Kept, ResultCache

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ResultLimits:
    """How many rows a kept result may hold, and how much memory and time all of them may use."""

    row_limit: int = 1_000_000
    cache_bytes: int = 256 * 1024 * 1024
    ttl_seconds: float = 900.0


# A caller's view of a table's metadata is kept this long, so a new statement on the same table
# (a refresh, new filters or order) skips the metadata round trip (tables.get on a workspace).
# Permissions are not taken from it: every statement is checked again by the engine (SELECT on
# each table it reads locally; the warehouse itself in databricks mode).
TABLE_META_TTL_SECONDS = 60.0
TABLE_META_ENTRIES = 1000


@dataclass(frozen=True)
class _KeptQuery:
    rows: KeptRows
    data_source: DataSource
    sql: str


@dataclass(frozen=True)
class _Page:
    kept: Kept[_KeptQuery]
    rows: list[list[Any]]
    reused: bool
    expired: bool


def statement_key(request: QueryRequest) -> str:
    """What makes two page requests pages of the same statement (JSON keeps `true` and `1` apart)."""
    return json.dumps(
        [
            request.catalog,
            request.schema_,
            request.table,
            request.filters or {},
            request.order_by,
            request.order_direction,
        ],
        sort_keys=True,
    )


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

    def __init__(
        self, reader: CatalogReader, timeout_seconds: float, limits: ResultLimits | None = None
    ) -> None:
        self._reader = reader
        self._timeout = timeout_seconds
        self._limits = limits or ResultLimits()
        self._results: ResultCache[_KeptQuery] = ResultCache(
            self._limits.cache_bytes,
            self._limits.ttl_seconds,
            on_evict=lambda kept: reader.release(kept.rows),
        )
        self._metas: ResultCache[TableMeta] = ResultCache(
            TABLE_META_ENTRIES, TABLE_META_TTL_SECONDS
        )

    def close(self) -> None:
        """Release every kept result."""
        self._results.clear()

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

    def _live(
        self, user: User, request: QueryRequest, key: str
    ) -> tuple[Kept[_KeptQuery] | None, bool]:
        """The kept result this request continues, and whether the one it named has expired."""
        if request.query_id is not None:
            kept = self._results.get(request.query_id, result_owner(user))
            if kept is None:
                return None, True
            return (kept, False) if kept.key == key else (None, False)
        if request.offset > 0:
            return self._results.find(result_owner(user), key), False
        return None, False

    async def _table(self, user: User, request: QueryRequest) -> TableMeta:
        """The table's metadata as this caller sees it, kept for TABLE_META_TTL_SECONDS."""
        owner, name = result_owner(user), (request.catalog, request.schema_, request.table)
        kept = self._metas.find(owner, name)
        if kept is not None:
            return kept.value
        meta = await self._bounded(self._reader.table(user, *name), "table")
        self._metas.put(owner, name, meta, 1)
        return meta

    async def _open(self, user: User, request: QueryRequest) -> _KeptQuery:
        meta = await self._table(user, request)
        statement = result_statement(meta, request)
        with (
            timed(logger, "uc statement", table=meta.full_name) as fields,
            measured(UC_STATEMENT_DURATION),
        ):
            rows = await self._bounded(
                self._reader.open_result(
                    user, statement.sql, statement.parameters, self._limits.row_limit
                ),
                "statement",
            )
            fields["row_count"] = rows.total_row_count
        return _KeptQuery(rows, data_source(meta, user), statement.sql)

    async def _read(self, user: User, rows: KeptRows, request: QueryRequest) -> list[list[Any]]:
        return await self._bounded(
            self._reader.read_result(user, rows, request.offset, request.limit), "page"
        )

    async def _page(self, user: User, request: QueryRequest) -> _Page:
        key = statement_key(request)
        kept, expired = self._live(user, request, key)
        if kept is not None:
            try:
                return _Page(kept, await self._read(user, kept.value.rows, request), True, False)
            except ResultGone:
                self._results.discard(kept.id)
                expired = True
        fresh = await self._open(user, request)
        try:
            rows = await self._read(user, fresh.rows, request)
        except BaseException:
            self._reader.release(fresh.rows)
            raise
        # Kept only after the first page is read: a result over the whole budget is released
        # at once, and its next page runs the statement again (and says so).
        kept = self._results.put(result_owner(user), key, fresh, fresh.rows.size_bytes)
        return _Page(kept, rows, False, expired)

    async def query(self, user: User, request: QueryRequest) -> QueryResult:
        """One page of a table, with the filtered total row count."""
        started = time.perf_counter()
        page = await self._page(user, request)
        kept = page.kept.value
        names = [name for name, _ in kept.rows.columns]
        rows = [dict(zip(names, row, strict=True)) for row in page.rows]
        if page.expired:
            logger.info(
                "uc result expired; statement ran again",
                extra={"table": kept.data_source.full_name},
            )
        # Built from values this service made and checked: not validated again (a page's rows
        # would each be copied by validation).
        return QueryResult.model_construct(
            query_id=page.kept.id,
            data_source=kept.data_source,
            sql_statement=kept.sql,
            columns=[QueryColumn(name=n, data_type=t) for n, t in kept.rows.columns],
            rows=rows,
            row_count=len(rows),
            total_row_count=kept.rows.total_row_count,
            execution_time_ms=round((time.perf_counter() - started) * 1000, 2),
            user_id=user.user_id,
            executed_at=datetime.now(UTC),
            status=QueryStatus.SUCCEEDED,
            expires_at=datetime.fromtimestamp(page.kept.expires_at, UTC),
            truncated=kept.rows.truncated,
            result_reused=page.reused,
            result_expired=page.expired,
        )
