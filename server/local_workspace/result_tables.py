"""Materialised statement results, one in-memory DuckDB table each, read a page at a time.

The tables live in a DuckDB database of their own, so no statement a user can send to the catalog
connection can see another user's results. A result table keeps the statement's row order
(DuckDB preserves insertion order), and a page is a `rowid` range: reading page N costs the same as
reading page 1, whatever the table's size.
"""

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from server.local_workspace.catalog import open_catalog_connection
from server.local_workspace.sql_dialect import duckdb_parameters, to_duckdb
from server.local_workspace.values import column_converter, sql_json_expression, uc_type
from server.models.sql import Parameter

# Approximate bytes a value takes in a DuckDB in-memory table, by UC type (strings: the 16-byte
# header plus a typical short payload). Used only to size the cache's byte budget.
_WIDTH = {"BOOLEAN": 1, "BYTE": 1, "SHORT": 2, "INT": 4, "DATE": 4, "FLOAT": 4, "DECIMAL": 16}
_DEFAULT_WIDTH = 8
_STRING_WIDTH = 32


@dataclass(frozen=True)
class ResultTable:
    """A materialised result: its table, columns as (name, UC type), row count, approximate size
    and whether `row_limit` cut it short."""

    name: str
    columns: list[tuple[str, str]]
    duck_types: list[str]
    row_count: int
    size_bytes: int
    truncated: bool
    select_list: str
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_width(columns: list[tuple[str, str]]) -> int:
    return sum(
        _STRING_WIDTH if t in ("STRING", "BINARY") else _WIDTH.get(t, _DEFAULT_WIDTH)
        for _, t in columns
    )


class ResultTables:
    """Creates, reads and drops result tables on a private connection."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    @classmethod
    def open(cls, catalog_dir: Path) -> "ResultTables":
        """A store over the catalog files (attached read-only, no file or network access)."""
        return cls(open_catalog_connection(catalog_dir, read_only=True))

    def close(self) -> None:
        """Close the private connection and every table with it."""
        self._conn.close()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._conn.cursor()

    def create(self, sql: str, parameters: list[Parameter], row_limit: int) -> ResultTable:
        """Run a Databricks-dialect statement once and keep at most `row_limit` rows of it."""
        name = "result_" + uuid.uuid4().hex
        values = duckdb_parameters(parameters) | {"__row_limit": row_limit + 1}
        with self._cursor() as cur:
            cur.execute(
                f'CREATE TABLE "{name}" AS SELECT * FROM ({to_duckdb(sql)}) LIMIT $__row_limit',
                values,
            )
            cur.execute(f'SELECT * FROM "{name}" LIMIT 0')
            described = [(str(d[0]), str(d[1])) for d in cur.description or []]
            columns = [(name, uc_type(duck)[0]) for name, duck in described]
            row = cur.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            count = int(row[0]) if row else 0
            truncated = count > row_limit
            if truncated:
                cur.execute(f'DELETE FROM "{name}" WHERE rowid >= {row_limit}')
                count = row_limit
        duck_types = [duck for _, duck in described]
        select_list, converters = self._json_reading(name, described)
        return ResultTable(
            name,
            columns,
            duck_types,
            count,
            count * _row_width(columns),
            truncated,
            select_list,
            converters,
        )

    def _json_reading(
        self, table: str, described: list[tuple[str, str]]
    ) -> tuple[str, tuple[tuple[int, Callable[[Any], Any]], ...]]:
        """How a page reads the API's JSON values: the engine formats timestamps, dates and
        decimals; Python converts only what it cannot (floats when the column holds a NaN or
        an infinity, which JSON has no number for; other types)."""
        expressions, converters = [], []
        for index, (column, duck) in enumerate(described):
            quoted = _quoted(column)
            expression = sql_json_expression(quoted, duck)
            expressions.append(expression or quoted)
            convert = None if expression else column_converter(duck)
            if convert is not None and not self._finite_floats(table, quoted, duck):
                converters.append((index, convert))
        return ", ".join(expressions), tuple(converters)

    def _finite_floats(self, table: str, quoted: str, duck: str) -> bool:
        """True for a FLOAT or DOUBLE column with no NaN or infinity (NULLs are fine)."""
        if duck.upper() not in ("FLOAT", "DOUBLE"):
            return False
        with self._cursor() as cur:
            row = cur.execute(f'SELECT bool_or(NOT isfinite({quoted})) FROM "{table}"').fetchone()
        return not (row and row[0])

    def page(self, table: ResultTable, offset: int, limit: int) -> list[list[Any]]:
        """Rows `offset` to `offset + limit` in the statement's order, as the API's JSON values."""
        with self._cursor() as cur:
            rows = cur.execute(
                f'SELECT {table.select_list} FROM "{table.name}" '
                "WHERE rowid >= $1 AND rowid < $2 ORDER BY rowid",
                [offset, offset + limit],
            ).fetchall()
        if not table.converters:
            return [list(row) for row in rows]
        page: list[list[Any]] = []
        for row in rows:
            values = list(row)
            for index, convert in table.converters:
                values[index] = convert(values[index])
            page.append(values)
        return page

    def drop(self, table: ResultTable) -> None:
        """Free a result table (no error when it is already gone)."""
        with self._cursor() as cur:
            cur.execute(f'DROP TABLE IF EXISTS "{table.name}"')
