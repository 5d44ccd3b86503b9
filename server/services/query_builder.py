"""Builds the statement whose result a table's pages are read from, in Databricks SQL with bound
`:name` parameters.

Identifiers are checked against the table's real columns and backtick-quoted; values are only ever
parameters. The statement runs once and its kept result is paged (see `result_cache`), so it has no
LIMIT or OFFSET and sorts only when the caller asked for an order: pages never overlap or skip
because they are slices of one result, not because every column is sorted.
"""

from dataclasses import dataclass

from server.errors import InvalidQuery
from server.models.catalog import TableMeta
from server.models.sql import Parameter
from server.models.unity_catalog import QueryRequest


@dataclass(frozen=True)
class Statement:
    """SQL text and its parameters."""

    sql: str
    parameters: list[Parameter]


def quote(identifier: str) -> str:
    """A backtick-quoted identifier."""
    return "`" + identifier.replace("`", "``") + "`"


def full_name(meta: TableMeta) -> str:
    """The quoted three-part table name."""
    return ".".join(quote(p) for p in (meta.catalog, meta.schema, meta.name))


def _parameter(name: str, value: str | int | float | bool) -> Parameter:
    if isinstance(value, bool):
        return Parameter(name, "true" if value else "false", "BOOLEAN")
    if isinstance(value, int):
        return Parameter(name, str(value), "BIGINT")
    if isinstance(value, float):
        return Parameter(name, repr(value), "DOUBLE")
    return Parameter(name, str(value), "STRING")


def _where(meta: TableMeta, request: QueryRequest) -> tuple[str, list[Parameter]]:
    known = [c.name for c in meta.columns]
    conditions: list[str] = []
    parameters: list[Parameter] = []
    for index, (column, value) in enumerate((request.filters or {}).items()):
        if column not in known:
            raise InvalidQuery(
                f"Unknown filter column {column!r}.", column=column, available_columns=known
            )
        if value is None:
            conditions.append(f"{quote(column)} IS NULL")
            continue
        name = f"filter_{index}"
        conditions.append(f"{quote(column)} = :{name}")
        parameters.append(_parameter(name, value))
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", parameters


def _order(meta: TableMeta, request: QueryRequest) -> str:
    if request.order_by is None:
        return ""
    if request.order_by not in [c.name for c in meta.columns]:
        raise InvalidQuery(
            f"Unknown order_by column {request.order_by!r}.",
            column=request.order_by,
            available_columns=[c.name for c in meta.columns],
        )
    return f" ORDER BY {quote(request.order_by)} {request.order_direction} NULLS LAST"


def result_statement(meta: TableMeta, request: QueryRequest) -> Statement:
    """The filtered (and, when asked, ordered) table: run once, then paged from its result."""
    where, parameters = _where(meta, request)
    return Statement(f"SELECT * FROM {full_name(meta)}{where}{_order(meta, request)}", parameters)
