"""Local Unity Catalog: the embedded DuckDB catalog, filtered and guarded by local grants."""

import asyncio

import duckdb

from server.adapters.identity.base import User
from server.adapters.unity_catalog.base import Rows
from server.errors import CatalogPermissionDenied, InvalidQuery, TableNotFound
from server.local_workspace.catalog import LocalCatalog
from server.local_workspace.grants import Grants
from server.local_workspace.sql_dialect import table_references
from server.local_workspace.values import json_value
from server.models.catalog import TableMeta
from server.models.sql import Parameter


class LocalCatalogReader:
    """Lists only what the user's grants allow; reads need SELECT on every table referenced."""

    def __init__(self, catalog: LocalCatalog, grants: Grants) -> None:
        self._catalog = catalog
        self._grants = grants

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

    async def run(self, user: User, sql: str, parameters: list[Parameter]) -> Rows:
        """Run a read statement after checking SELECT on each referenced table."""
        for catalog, schema, table in table_references(sql):
            if not self._grants.can_select(user.user_id, catalog, schema, table):
                raise CatalogPermissionDenied(catalog=catalog, schema=schema, table=table)
        try:
            result = await asyncio.to_thread(self._catalog.execute, sql, parameters)
        except (duckdb.ConversionException, duckdb.BinderException, ValueError) as exc:
            raise InvalidQuery(f"The query could not run: {exc}".splitlines()[0]) from exc
        return Rows(
            columns=[(c.name, c.type_name) for c in result.columns],
            rows=[[json_value(v) for v in row] for row in result.rows],
        )

    async def check(self) -> str:
        """Readiness: the catalog answers a trivial statement."""
        await asyncio.to_thread(self._catalog.execute, "SELECT 1", [])
        return f"{len(await asyncio.to_thread(self._catalog.catalogs))} local catalogs"
