"""How a page's cost grows with the table: samples.nyctaxi.trips copied 1x and 10x (100x with
BENCH_LARGEST_SCALE=100), first, middle and last 100-row page. The old page statement (ORDER BY
every column, COUNT(*) OVER (), LIMIT/OFFSET) sorts the whole table for every page; the kept result
runs the statement once and reads each page as a row range."""

import functools
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from benchmarks.stats import Report, Trial, interleaved
from server.config import PROJECT_ROOT
from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
from server.local_workspace.result_tables import ResultTables
from server.local_workspace.setup import catalog_dir, ensure_catalogs
from server.models.sql import Parameter

TABLE = "`bench`.`nyctaxi`.`trips`"
ROUNDS = 9


def _generate(directory: Path, scale: int) -> None:
    source = catalog_dir(PROJECT_ROOT / "local_workspace_data") / "samples.duckdb"
    with duckdb.connect(str(directory / "bench.duckdb")) as conn:
        conn.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        conn.execute("CREATE SCHEMA nyctaxi")
        conn.execute(
            "CREATE TABLE nyctaxi.trips AS SELECT t.* FROM src.nyctaxi.trips t, range($1)", [scale]
        )


def _old_statement(columns: list[str]) -> str:
    order = ", ".join(f"`{c}` ASC NULLS LAST" for c in columns)
    return (
        f"SELECT *, COUNT(*) OVER () AS `__total_row_count` FROM {TABLE} ORDER BY {order} "
        "LIMIT :row_limit OFFSET :row_offset"
    )


def _scale(report: Report, scale: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="bench-paging-"))
    try:
        _generate(directory, scale)
        catalog = LocalCatalog(open_catalog_connection(directory, read_only=True))
        results = ResultTables.open(directory)
        kept = results.create(f"SELECT * FROM {TABLE}", [], 1_000_000_000)
        rows = kept.row_count
        old = _old_statement([name for name, _ in kept.columns])
        create = interleaved(
            {"create": lambda: results.drop(results.create(f"SELECT * FROM {TABLE}", [], rows))},
            3,
            warmup=0,
        )["create"]
        report.add(f"{scale}x trips ({rows} rows): run once and keep the result", create.p50, "ms")
        positions = {"first": 0, "middle": rows // 2, "last": rows - 100}

        def old_page(offset: int) -> object:
            limits = [
                Parameter("row_limit", "100", "INT"),
                Parameter("row_offset", str(offset), "INT"),
            ]
            return catalog.execute(old, limits)

        trials: dict[str, Trial] = {}
        for position, offset in positions.items():
            trials[f"old {position}"] = functools.partial(old_page, offset)
            trials[f"kept {position}"] = functools.partial(results.page, kept, offset, 100)
        runs = interleaved(trials, ROUNDS, warmup=1)
        for kind in ("old", "kept"):
            first, last = runs[f"{kind} first"], runs[f"{kind} last"]
            report.add(
                f"{scale}x trips: {kind} page statement, last page / first page",
                last.p50 / first.p50,
                "x",
                "page N = page 1" if kind == "kept" else "",
                None,
                {f"{p} p50 ms": round(runs[f"{kind} {p}"].p50, 3) for p in positions},
            )
        results.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run(report: Report) -> None:
    """Every scale up to BENCH_LARGEST_SCALE (default 10)."""
    ensure_catalogs(PROJECT_ROOT / "local_workspace_data")
    largest = int(os.environ.get("BENCH_LARGEST_SCALE", "10"))
    for scale in (s for s in (1, 10, 100) if s <= largest):
        _scale(report, scale)
