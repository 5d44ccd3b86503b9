"""Local Unity Catalog: the embedded DuckDB catalog, filtered and guarded by local grants."""

import asyncio
from contextlib import suppress
from typing import Any

import duckdb

from server.adapters.identity.base import User
from server.adapters.unity_catalog.base import KeptRows, ResultGone, Rows
from server.errors import CatalogPermissionDenied, InvalidQuery, TableNotFound
from server.local_workspace.catalog import LocalCatalog
from server.local_workspace.grants import Grants
from server.local_workspace.result_tables import ResultTable, ResultTables
from server.local_workspace.sql_dialect import table_references
from server.local_workspace.values import json_value
from server.models.catalog import TableMeta
from server.models.sql import Parameter


class LocalCatalogReader:
    """Lists only what the user's grants allow; reads need SELECT on every table referenced."""

    def __init__(self, catalog: LocalCatalog, grants: Grants, results: ResultTables) -> None:
        self._catalog = catalog
        self._grants = grants
        self._results = results

    async def catalogs(self, user: User) -> list[str]:
        """Catalogs with USE CATALOG."""
        names = await asyncio.to_thread(self._catalog.catalogs)
        return [c for c in names if self._grants.can_use_catalog(user.user_id, c)]

    async def schemas(self, user: User, catalog: str) -> list[str]:
        """Schemas with USE SCHEMA."""
        if not self._grants.can_use_catalog(user.user_id, catalog):
            return []
        names = await asyncio.to_thread(self._catalog.schemas, catalog)
        return [s for s in names if self._grants.can_use_schema(user.user_id, catalog, s)]

    async def table_names(self, user: User, catalog: str, schema: str) -> list[str]:
        """Tables with SELECT."""
        if not self._grants.can_use_schema(user.user_id, catalog, schema):
            return []
        names = await asyncio.to_thread(self._catalog.table_names, catalog, schema)
        return [t for t in names if self._grants.can_select(user.user_id, catalog, schema, t)]

    async def tables(self, user: User, catalog: str, schema: str) -> list[TableMeta]:
        """Metadata of readable tables."""
        names = set(await self.table_names(user, catalog, schema))
        metas = await asyncio.to_thread(self._catalog.tables, catalog, schema)
        return [m for m in metas if m.name in names]

    async def table(self, user: User, catalog: str, schema: str, table: str) -> TableMeta:
        """A readable table, 404 when missing, 403 without SELECT."""
        meta = await asyncio.to_thread(self._catalog.table, catalog, schema, table)
        if meta is None:
            raise TableNotFound(
                f"Table {catalog}.{schema}.{table} does not exist.",
                catalog=catalog,
                schema=schema,
                table=table,
            )
        if not self._grants.can_select(user.user_id, catalog, schema, table):
            raise CatalogPermissionDenied(catalog=catalog, schema=schema, table=table)
        return meta

    def _check_select(self, user: User, sql: str) -> None:
        for catalog, schema, table in table_references(sql):
            if not self._grants.can_select(user.user_id, catalog, schema, table):
                raise CatalogPermissionDenied(catalog=catalog, schema=schema, table=table)

    async def run(self, user: User, sql: str, parameters: list[Parameter]) -> Rows:
        """Run a read statement after checking SELECT on each referenced table."""
        self._check_select(user, sql)
        try:
            result = await asyncio.to_thread(self._catalog.execute, sql, parameters)
        except (duckdb.ConversionException, duckdb.BinderException, ValueError) as exc:
            raise InvalidQuery(f"The query could not run: {exc}".splitlines()[0]) from exc
        return Rows(
            columns=[(c.name, c.type_name) for c in result.columns],
            rows=[[json_value(v) for v in row] for row in result.rows],
        )

    async def open_result(
        self, user: User, sql: str, parameters: list[Parameter], row_limit: int
    ) -> KeptRows:
        """Materialise a read statement's result (SELECT checked on each referenced table)."""
        self._check_select(user, sql)
        try:
            table = await asyncio.to_thread(self._results.create, sql, parameters, row_limit)
        except (duckdb.ConversionException, duckdb.BinderException, ValueError) as exc:
            raise InvalidQuery(f"The query could not run: {exc}".splitlines()[0]) from exc
        return KeptRows(table.columns, table.row_count, table.truncated, table.size_bytes, table)

    async def read_result(
        self, user: User, result: KeptRows, offset: int, limit: int
    ) -> list[list[Any]]:
        """A slice of a materialised result."""
        table = result.handle
        if not isinstance(table, ResultTable):
            raise ResultGone("not a local result")
        try:
            return await asyncio.to_thread(self._results.page, table, offset, limit)
        except duckdb.CatalogException as exc:
            raise ResultGone(table.name) from exc

    def release(self, result: KeptRows) -> None:
        """Drop the result table."""
        if isinstance(result.handle, ResultTable):
            # At shutdown the connection is closed first, and the tables went with it.
            with suppress(duckdb.ConnectionException):
                self._results.drop(result.handle)

    async def check(self) -> str:
        """Readiness: the catalog answers a trivial statement."""
        await asyncio.to_thread(self._catalog.execute, "SELECT 1", [])
        return f"{len(await asyncio.to_thread(self._catalog.catalogs))} local catalogs"
