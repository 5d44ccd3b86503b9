"""The statement builder's values: every filter type binds with its value and SQL type, a NULL
filter never drops the filters after it, and errors name the column. Run on real DuckDB too."""

import re
from collections.abc import Iterator

import duckdb
import pytest

from server.errors import InvalidQuery
from server.local_workspace.sql_dialect import duckdb_parameters, to_duckdb
from server.models.catalog import ColumnMeta, TableMeta
from server.models.unity_catalog import QueryRequest
from server.services.query_builder import Statement, full_name, result_statement

COLUMNS = (
    ColumnMeta("id", "LONG", "bigint", 0, False),
    ColumnMeta("name", "STRING", "string", 1, True),
    ColumnMeta("is_active", "BOOLEAN", "boolean", 2, True),
    ColumnMeta("price", "DOUBLE", "double", 3, True),
)
META = TableMeta("main", "shop", "items", COLUMNS, "owner", None, 4, None)
ROWS = [
    (1, "apple", True, 1.5),
    (2, "pear", False, 2.25),
    (3, None, False, 1.5),
    (4, "plum", None, None),
]


def request(**extra: object) -> QueryRequest:
    return QueryRequest.model_validate(
        {"catalog": "main", "schema": "shop", "table": "items", **extra}
    )


def bound(statement: Statement) -> dict[str, tuple[str | None, str]]:
    return {p.name: (p.value, p.type) for p in statement.parameters}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, ("true", "BOOLEAN")),
        (False, ("false", "BOOLEAN")),
        (7, ("7", "BIGINT")),
        (2.25, ("2.25", "DOUBLE")),
        (1e-07, ("1e-07", "DOUBLE")),
        ("x", ("x", "STRING")),
        ("", ("", "STRING")),
    ],
)
def test_each_filter_type_binds_its_value_and_sql_type(
    value: object, expected: tuple[str, str]
) -> None:
    statement = result_statement(META, request(filters={"name": value}))
    assert bound(statement) == {"filter_0": expected}
    assert statement.sql.endswith(" WHERE `name` = :filter_0")


def test_a_null_filter_first_keeps_the_filters_after_it() -> None:
    statement = result_statement(
        META, request(filters={"name": None, "is_active": False, "price": 1.5})
    )
    assert statement.sql == (
        "SELECT * FROM `main`.`shop`.`items`"
        " WHERE `name` IS NULL AND `is_active` = :filter_1 AND `price` = :filter_2"
    )
    assert bound(statement) == {"filter_1": ("false", "BOOLEAN"), "filter_2": ("1.5", "DOUBLE")}


def test_every_marker_in_the_result_statement_has_a_parameter() -> None:
    statement = result_statement(
        META, request(filters={"id": 3, "name": None, "is_active": True}, limit=5, offset=10)
    )
    markers = set(re.findall(r":(\w+)", statement.sql))
    assert markers == set(bound(statement))
    assert statement.sql.startswith("SELECT * FROM `main`.`shop`.`items` WHERE ")
    assert "LIMIT" not in statement.sql and "OFFSET" not in statement.sql


def test_no_filters_means_no_where_and_no_order_means_no_sort() -> None:
    statement = result_statement(META, request())
    assert statement.sql == "SELECT * FROM `main`.`shop`.`items`"
    assert result_statement(META, request(filters={})).parameters == []


def test_an_order_by_sorts_by_that_column_only_with_its_direction() -> None:
    sql = result_statement(META, request(order_by="price", order_direction="DESC")).sql
    assert sql.endswith(" ORDER BY `price` DESC NULLS LAST")
    assert sql.count("`price`") == 1


def test_unknown_filter_column_names_it_and_the_real_ones() -> None:
    with pytest.raises(InvalidQuery) as caught:
        result_statement(META, request(filters={"id": 1, "nope": 1}))
    assert caught.value.message == "Unknown filter column 'nope'."
    assert caught.value.technical_details == {
        "column": "nope",
        "available_columns": ["id", "name", "is_active", "price"],
    }


def test_unknown_order_by_names_it_and_the_real_ones() -> None:
    with pytest.raises(InvalidQuery) as caught:
        result_statement(META, request(order_by="nope"))
    assert caught.value.message == "Unknown order_by column 'nope'."
    assert caught.value.technical_details == {
        "column": "nope",
        "available_columns": ["id", "name", "is_active", "price"],
    }


def test_full_name_quotes_each_part() -> None:
    meta = TableMeta("c`1", "s", "t.x", COLUMNS, "o", None, 0, None)
    assert full_name(meta) == "`c``1`.`s`.`t.x`"


@pytest.fixture(scope="module")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    """A real DuckDB holding `main.shop.items` where the local workspace would attach it."""
    connection = duckdb.connect()
    connection.execute("ATTACH ':memory:' AS uc__main")
    connection.execute("CREATE SCHEMA uc__main.shop")
    connection.execute(
        "CREATE TABLE uc__main.shop.items (id BIGINT, name VARCHAR, is_active BOOLEAN, price DOUBLE)"
    )
    connection.executemany("INSERT INTO uc__main.shop.items VALUES (?, ?, ?, ?)", ROWS)
    yield connection
    connection.close()


def ids(duck: duckdb.DuckDBPyConnection, filters: dict[str, object]) -> list[int]:
    statement = result_statement(META, request(filters=filters))
    rows = duck.execute(
        to_duckdb(statement.sql), duckdb_parameters(statement.parameters)
    ).fetchall()
    return [row[0] for row in rows]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"is_active": False}, [2, 3]),
        ({"is_active": True}, [1]),
        ({"price": 1.5}, [1, 3]),
        ({"price": 2.25, "is_active": False}, [2]),
        ({"name": None, "price": 1.5}, [3]),
        ({"name": None, "is_active": True}, []),
        ({"id": 4, "is_active": None}, [4]),
    ],
)
def test_filters_select_the_right_rows_on_duckdb(
    duck: duckdb.DuckDBPyConnection, filters: dict[str, object], expected: list[int]
) -> None:
    assert sorted(ids(duck, filters)) == expected
