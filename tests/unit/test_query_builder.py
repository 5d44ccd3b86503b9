"""The page statement: quoted identifiers, bound values, a total order."""

import pytest

from server.errors import InvalidQuery
from server.models.catalog import ColumnMeta, TableMeta
from server.models.unity_catalog import QueryRequest
from server.services.query_builder import count_statement, page_statement, quote

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


def test_default_order_is_every_orderable_column() -> None:
    statement = page_statement(META, request(limit=10, offset=20))
    assert "FROM `main`.`samples`.`orders`" in statement.sql
    assert "ORDER BY `order_id` ASC NULLS LAST, `status` ASC NULLS LAST LIMIT" in statement.sql
    assert "`tags`" not in statement.sql.split("ORDER BY")[1]
    values = {p.name: (p.value, p.type) for p in statement.parameters}
    assert values["row_limit"] == ("10", "INT")
    assert values["row_offset"] == ("20", "INT")


def test_filters_are_parameters_and_null_is_is_null() -> None:
    statement = page_statement(META, request(filters={"status": "x' OR 1=1 --", "order_id": None}))
    assert "`status` = :filter_0" in statement.sql
    assert "`order_id` IS NULL" in statement.sql
    assert "OR 1=1" not in statement.sql
    assert statement.parameters[0].value == "x' OR 1=1 --"


def test_order_by_comes_first_then_the_rest() -> None:
    statement = page_statement(META, request(order_by="status", order_direction="DESC"))
    assert "ORDER BY `status` DESC NULLS LAST, `order_id` ASC NULLS LAST" in statement.sql


@pytest.mark.parametrize("field", ["order_by", "filters"])
def test_unknown_columns_are_invalid(field: str) -> None:
    value: object = "nope" if field == "order_by" else {"nope": 1}
    with pytest.raises(InvalidQuery):
        page_statement(META, request(**{field: value}))


def test_count_uses_the_same_filters() -> None:
    statement = count_statement(META, request(filters={"status": "PLACED"}))
    assert statement.sql.startswith("SELECT COUNT(*)")
    assert [p.type for p in statement.parameters] == ["STRING"]
