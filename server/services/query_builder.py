"""Builds the one page-of-a-table statement, in Databricks SQL with bound `:name` parameters.

Identifiers are checked against the table's real columns and backtick-quoted; values are only ever
parameters. Without `order_by` the order is every orderable column, so pages never overlap or skip.
"""

from dataclasses import dataclass

from server.errors import InvalidQuery
from server.models.catalog import TableMeta
from server.models.sql import Parameter
from server.models.unity_catalog import QueryRequest

TOTAL_COLUMN = "__total_row_count"
_UNORDERABLE = frozenset({"ARRAY", "MAP", "STRUCT", "VARIANT", "BINARY", "GEOGRAPHY", "GEOMETRY"})


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
    orderable = [c.name for c in meta.columns if c.type_name not in _UNORDERABLE]
    keys: list[str] = []
    if request.order_by is not None:
        if request.order_by not in [c.name for c in meta.columns]:
            raise InvalidQuery(
                f"Unknown order_by column {request.order_by!r}.",
                column=request.order_by,
                available_columns=[c.name for c in meta.columns],
            )
        keys.append(f"{quote(request.order_by)} {request.order_direction} NULLS LAST")
    keys += [f"{quote(c)} ASC NULLS LAST" for c in orderable if c != request.order_by]
    return (" ORDER BY " + ", ".join(keys)) if keys else ""


def page_statement(meta: TableMeta, request: QueryRequest) -> Statement:
    """One page with the filtered total carried on each row as a window count."""
    where, parameters = _where(meta, request)
    sql = (
        f"SELECT *, COUNT(*) OVER () AS {quote(TOTAL_COLUMN)} FROM {full_name(meta)}{where}"
        f"{_order(meta, request)} LIMIT :row_limit OFFSET :row_offset"
    )
    parameters += [
        Parameter("row_limit", str(request.limit), "INT"),
        Parameter("row_offset", str(request.offset), "INT"),
    ]
    return Statement(sql, parameters)


def count_statement(meta: TableMeta, request: QueryRequest) -> Statement:
    """The filtered row count (used when a page past the end has no row to carry it)."""
    where, parameters = _where(meta, request)
    return Statement(
        f"SELECT COUNT(*) AS {quote(TOTAL_COLUMN)} FROM {full_name(meta)}{where}", parameters
    )
