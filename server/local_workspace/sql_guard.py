"""The local engine's guard for user-written SQL: Databricks SQL → DuckDB, grants on what is read.

Two checks, both must pass:
1. On the parse tree (before DuckDB sees the text): names must be three-part `catalog.schema.table`
   (or a CTE); catalog `x` is rewritten to the attached alias `uc__x`, so the engine's own names
   (`uc__*`, `system`, `temp`, `memory`) cannot be written; only a few row-generating table
   functions are allowed; every three-part name needs SELECT, so binder messages (which list column
   candidates) never describe a table the user may not read.
2. On DuckDB's binder output (the unoptimized logical plan of `EXPLAIN`): every table the plan
   scans, views expanded and CTEs resolved, needs SELECT; every leaf must be a table scan or a
   row generator, so catalog functions (`duckdb_tables()`, information_schema views) and file
   readers are refused even if they slipped past the first check.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

import duckdb
from sqlglot import exp

from server.errors import CatalogPermissionDenied, InvalidQuery, TableNotFound
from server.local_workspace.sql_dialect import CATALOG_PREFIX

CanSelect = Callable[[str, str, str], bool]
HIDDEN_SCHEMAS = frozenset({"_uc", "information_schema", "pg_catalog"})
_ROW_FUNCTIONS = frozenset({"RANGE", "GENERATE_SERIES", "UNNEST", "EXPLODE"})
_SAFE_LEAVES = frozenset(
    {
        "SEQ_SCAN",
        "DUMMY_SCAN",
        "CTE_SCAN",
        "EMPTY_RESULT",
        "EXPRESSION_GET",
        "DELIM_GET",
        "RANGE",
        "GENERATE_SERIES",
        "UNNEST",
    }
)


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).upper()
    return type(node).__name__.upper()


def _check_function_table(table: exp.Table) -> None:
    name = _function_name(table.this)
    if name not in _ROW_FUNCTIONS:
        raise InvalidQuery(
            f"The table function {name} is not available; read tables by their three-part name.",
            function=name,
        )


def _check_named_table(table: exp.Table, ctes: set[str], can_select: CanSelect) -> None:
    catalog, schema, name = table.catalog, table.db, table.name
    if not catalog and not schema and name.lower() in ctes:
        return
    if not catalog or not schema or isinstance(table.this, exp.Dot):
        raise InvalidQuery(
            f"Name tables as catalog.schema.table: '{table.sql('databricks')}' is not.",
            table=table.sql("databricks"),
        )
    if schema.lower() in HIDDEN_SCHEMAS or catalog.lower().startswith(CATALOG_PREFIX):
        raise TableNotFound(
            f"[TABLE_OR_VIEW_NOT_FOUND] {catalog}.{schema}.{name} does not exist.",
            catalog=catalog,
            schema=schema,
            table=name,
        )
    if not can_select(catalog, schema, name):
        raise CatalogPermissionDenied(catalog=catalog, schema=schema, table=name)
    table.set("catalog", exp.to_identifier(CATALOG_PREFIX + catalog, quoted=True))


def to_guarded_duckdb(tree: exp.Expression, can_select: CanSelect) -> str:
    """DuckDB text for a parsed read statement, after the parse-tree checks (see module doc)."""
    local = tree.copy()
    ctes = {cte.alias_or_name.lower() for cte in local.find_all(exp.CTE)}
    for table in list(local.find_all(exp.Table)):
        if isinstance(table.this, exp.Identifier):
            _check_named_table(table, ctes, can_select)
        else:
            _check_function_table(table)
    return local.sql(dialect="duckdb")


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("children", []):
        yield from _nodes(child)


def _check_scan(resolved: str, can_select: CanSelect) -> None:
    parts = resolved.split(".")
    if len(parts) != 3 or not parts[0].startswith(CATALOG_PREFIX):
        raise InvalidQuery("The statement reads something that is not a catalog table.")
    catalog, schema, table = parts[0][len(CATALOG_PREFIX) :], parts[1], parts[2]
    if schema in HIDDEN_SCHEMAS:
        raise InvalidQuery("The statement reads something that is not a catalog table.")
    if not can_select(catalog, schema, table):
        raise CatalogPermissionDenied(catalog=catalog, schema=schema, table=table)


def check_plan(
    cursor: duckdb.DuckDBPyConnection,
    duck_sql: str,
    parameters: dict[str, Any],
    can_select: CanSelect,
) -> list[str]:
    """Bind the statement (no execution) and check what the binder resolved; the tables read."""
    explained = dict(cursor.execute(f"EXPLAIN (FORMAT json) {duck_sql}", parameters).fetchall())
    if "logical_plan" not in explained:
        raise InvalidQuery("The local engine could not describe the statement's plan.")
    read: list[str] = []
    for root in json.loads(explained["logical_plan"]):
        for node in _nodes(root):
            table = node.get("extra_info", {}).get("Table")
            if table is not None:
                _check_scan(str(table), can_select)
                read.append(str(table)[len(CATALOG_PREFIX) :])
            elif not node.get("children") and node.get("name") not in _SAFE_LEAVES:
                raise InvalidQuery(
                    f"The statement reads {node.get('name')}, which is not a catalog table.",
                    operator=node.get("name"),
                )
    return read
