"""Databricks SQL → DuckDB: identifiers and markers translate, string literals do not."""

from datetime import date

from server.local_workspace.sql_dialect import duckdb_parameters, table_references, to_duckdb
from server.models.sql import Parameter


def test_three_part_names_map_to_attached_catalogs() -> None:
    sql = "SELECT `a` FROM `main`.`samples`.`orders` WHERE `a` = :p"
    assert to_duckdb(sql) == 'SELECT "a" FROM "uc__main"."samples"."orders" WHERE "a" = $p'


def test_literals_and_casts_are_left_alone() -> None:
    sql = "SELECT ':not_a_param', x::INT FROM `c`.`s`.`t`"
    assert to_duckdb(sql) == 'SELECT \':not_a_param\', x::INT FROM "uc__c"."s"."t"'


def test_references_outside_literals_only() -> None:
    sql = "SELECT '`x`.`y`.`z`' FROM `main`.`hr`.`salaries`"
    assert table_references(sql) == [("main", "hr", "salaries")]


def test_parameters_follow_their_types() -> None:
    values = duckdb_parameters(
        [Parameter("a", "5", "INT"), Parameter("b", None), Parameter("c", "2024-01-02", "DATE")]
    )
    assert values == {"a": 5, "b": None, "c": date(2024, 1, 2)}
