"""Kept local results read a page as the API's JSON values, with the engine formatting what it
can: every row of every sample table, and values at the edges, read the same as `json_value`
gives for the engine's typed values."""

from pathlib import Path
from typing import Any

import pytest

from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
from server.local_workspace.result_tables import ResultTables
from server.local_workspace.setup import catalog_dir
from server.local_workspace.values import json_value

EDGES = r"""
SELECT * FROM (VALUES
    (TIMESTAMP '0001-01-01 00:00:00', DATE '0999-12-31', 0.00::DECIMAL(12,2),
     'NaN'::DOUBLE, 1.5::FLOAT, TIME '12:34:56.5', '\xAB'::BLOB, 'a"b'),
    (TIMESTAMP '2024-02-29 12:34:56.123999', DATE '2024-02-29', -0.50::DECIMAL(12,2),
     'inf'::DOUBLE, NULL, NULL, NULL, NULL),
    (NULL, NULL, 12345678901234567890.12::DECIMAL(38,2), '-inf'::DOUBLE, 2.25::FLOAT,
     TIME '00:00:00', ''::BLOB, '')
) AS t(ts, d, amount, ratio, small, clock, bytes, `quoted "name"`)
"""


def _typed(results: ResultTables, name: str, sql: str) -> list[list[Any]]:
    with results._cursor() as cur:  # the typed values, as DuckDB's Python API returns them
        return [[json_value(v) for v in row] for row in cur.execute(sql).fetchall()]


@pytest.fixture
def results(workspace_dir: Path) -> ResultTables:
    return ResultTables.open(catalog_dir(workspace_dir))


def test_every_sample_table_reads_as_json_value_gives(
    results: ResultTables, workspace_dir: Path
) -> None:
    catalog = LocalCatalog(open_catalog_connection(catalog_dir(workspace_dir), read_only=True))
    tables = [
        (c, s, t)
        for c in catalog.catalogs()
        for s in catalog.schemas(c)
        for t in catalog.table_names(c, s)
    ]
    assert len(tables) >= 5
    for c, s, t in tables:
        kept = results.create(f"SELECT * FROM `{c}`.`{s}`.`{t}`", [], 1_000_000)
        expected = _typed(results, kept.name, f'SELECT * FROM "{kept.name}" ORDER BY rowid')
        assert results.page(kept, 0, kept.row_count) == expected, f"{c}.{s}.{t}"
        results.drop(kept)


def test_values_at_the_edges_read_as_json_value_gives(results: ResultTables) -> None:
    kept = results.create(EDGES, [], 10)
    expected = _typed(results, kept.name, f'SELECT * FROM "{kept.name}" ORDER BY rowid')
    assert results.page(kept, 0, 3) == expected
    assert expected[0][3] == "nan" and expected[1][3] == "inf"


def test_a_finite_float_column_is_read_without_conversion(results: ResultTables) -> None:
    kept = results.create("SELECT 1.5::DOUBLE AS x, 'NaN'::DOUBLE AS y", [], 10)
    assert [index for index, _ in kept.converters] == [1]
    assert results.page(kept, 0, 1) == [[1.5, "nan"]]
