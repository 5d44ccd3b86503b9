"""The result statement: quoted identifiers, bound values, a sort only when asked for."""

import pytest

from server.errors import InvalidQuery
from server.models.catalog import ColumnMeta, TableMeta
from server.models.unity_catalog import QueryRequest
from server.services.query_builder import quote, result_statement

META = TableMeta(
    catalog="main",
    schema="samples",
    name="orders",
    columns=(
        ColumnMeta("order_id", "LONG", "bigint", 0, True),
        ColumnMeta("status", "STRING", "string", 1, True),
        ColumnMeta("tags", "ARRAY", "array<string>", 2, True),
    ),
    owner="x",
    comment=None,
    row_count=1,
    size_bytes=None,
)


def request(**extra: object) -> QueryRequest:
    return QueryRequest.model_validate(
        {"catalog": "main", "schema": "samples", "table": "orders", **extra}
    )


def test_identifiers_are_backtick_quoted_and_escaped() -> None:
    assert quote("we`ird") == "`we``ird`"


def test_no_order_no_limit_unless_asked() -> None:
    statement = result_statement(META, request(limit=10, offset=20))
    assert statement.sql == "SELECT * FROM `main`.`samples`.`orders`"
    assert statement.parameters == []


def test_filters_are_parameters_and_null_is_is_null() -> None:
    statement = result_statement(
        META, request(filters={"status": "x' OR 1=1 --", "order_id": None})
    )
    assert "`status` = :filter_0" in statement.sql
    assert "`order_id` IS NULL" in statement.sql
    assert "OR 1=1" not in statement.sql
    assert statement.parameters[0].value == "x' OR 1=1 --"


def test_order_by_sorts_by_that_column_only() -> None:
    statement = result_statement(META, request(order_by="status", order_direction="DESC"))
    assert statement.sql.endswith("ORDER BY `status` DESC NULLS LAST")


@pytest.mark.parametrize("field", ["order_by", "filters"])
def test_unknown_columns_are_invalid(field: str) -> None:
    value: object = "nope" if field == "order_by" else {"nope": 1}
    with pytest.raises(InvalidQuery):
        result_statement(META, request(**{field: value}))
