"""The embedded Unity Catalog: DuckDB files attached read-only, hardened, with UC-shaped metadata."""

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from server.local_workspace.sql_dialect import (
    CATALOG_PREFIX,
    duck_catalog,
    duckdb_parameters,
    to_duckdb,
)
from server.local_workspace.values import uc_type
from server.models.catalog import ColumnMeta, TableMeta
from server.models.sql import Parameter

HIDDEN_SCHEMAS = frozenset({"_uc", "information_schema", "pg_catalog"})


@dataclass
class StatementResult:
    """Rows of a statement as Python values, with UC column types."""

    columns: list[ColumnMeta]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


def catalog_files(catalog_dir: Path) -> dict[str, Path]:
    """UC catalog name → its DuckDB file."""
    return {p.stem: p for p in sorted(catalog_dir.glob("*.duckdb"))}


def open_catalog_connection(catalog_dir: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every catalog file attached as `uc__<name>`.

    Read-only connections also lose file and network access from SQL, and their settings are locked.
    """
    conn = duckdb.connect(":memory:")
    for name, path in catalog_files(catalog_dir).items():
        mode = " (READ_ONLY)" if read_only else ""
        conn.execute(f"ATTACH '{path}' AS \"{duck_catalog(name)}\"{mode}")
    conn.execute("SET GLOBAL explain_output = 'all'")  # the SQL guard reads the bound plan
    if read_only:
        conn.execute("SET enable_external_access = false")
        conn.execute("SET lock_configuration = true")
    return conn


class LocalCatalog:
    """Reads metadata and runs statements; one cursor per call, so threads never share one."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._conn.cursor()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the catalog, for one statement (close it when done)."""
        return self._cursor()

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._cursor() as cur:
            return cur.execute(sql, params or []).fetchall()

    def catalogs(self) -> list[str]:
        """Every catalog name."""
        rows = self._rows(
            "SELECT database_name FROM duckdb_databases() WHERE starts_with(database_name, ?)",
            [CATALOG_PREFIX],
        )
        return sorted(r[0][len(CATALOG_PREFIX) :] for r in rows)

    def schemas(self, catalog: str) -> list[str]:
        """Every schema in a catalog (empty when the catalog does not exist)."""
        rows = self._rows(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ?",
            [duck_catalog(catalog)],
        )
        return sorted(r[0] for r in rows if r[0] not in HIDDEN_SCHEMAS and r[0] != "main")

    def table_names(self, catalog: str, schema: str) -> list[str]:
        """Every table name in a schema."""
        rows = self._rows(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
            [duck_catalog(catalog), schema],
        )
        return sorted(r[0] for r in rows)

    def _owner(self, catalog: str, schema: str, table: str) -> str:
        rows = self._rows(
            f'SELECT full_name, owner FROM "{duck_catalog(catalog)}"._uc.securables '
            "WHERE full_name IN (?, ?, ?)",
            [f"{catalog}.{schema}.{table}", f"{catalog}.{schema}", catalog],
        )
        owners = dict(rows)
        for key in (f"{catalog}.{schema}.{table}", f"{catalog}.{schema}", catalog):
            if key in owners:
                return str(owners[key])
        return "system"

    def table(self, catalog: str, schema: str, table: str) -> TableMeta | None:
        """One table's metadata, or None when it does not exist."""
        found = self._rows(
            "SELECT comment, estimated_size FROM duckdb_tables() "
            "WHERE database_name = ? AND schema_name = ? AND table_name = ?",
            [duck_catalog(catalog), schema, table],
        )
        if not found:
            return None
        comment, row_count = found[0]
        cols = self._rows(
            "SELECT column_name, data_type, column_index, is_nullable, comment FROM duckdb_columns() "
            "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [duck_catalog(catalog), schema, table],
        )
        columns = tuple(
            ColumnMeta(
                name,
                *uc_type(dtype),
                position=index - 1,
                nullable=bool(nullable),
                comment=col_comment,
            )
            for name, dtype, index, nullable, col_comment in cols
        )
        return TableMeta(
            catalog=catalog,
            schema=schema,
            name=table,
            columns=columns,
            owner=self._owner(catalog, schema, table),
            comment=comment,
            row_count=int(row_count or 0),
            size_bytes=None,
        )

    def tables(self, catalog: str, schema: str) -> list[TableMeta]:
        """Metadata of every table in a schema."""
        metas = (self.table(catalog, schema, name) for name in self.table_names(catalog, schema))
        return [m for m in metas if m is not None]

    def execute(self, sql: str, parameters: list[Parameter]) -> StatementResult:
        """Run a Databricks-dialect statement with named parameters."""
        with self._cursor() as cur:
            cur.execute(to_duckdb(sql), duckdb_parameters(parameters))
            description = cur.description or []
            columns = [
                ColumnMeta(d[0], *uc_type(str(d[1])), position=i, nullable=True)
                for i, d in enumerate(description)
            ]
            return StatementResult(columns, cur.fetchall() if description else [])
