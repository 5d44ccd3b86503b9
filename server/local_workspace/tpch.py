"""Load DuckDB's tpch extension from its PyPI wheel (never downloaded at run time)."""

from pathlib import Path

import duckdb
import duckdb_extension_tpch


def load_tpch_extension(conn: duckdb.DuckDBPyConnection) -> None:
    """LOAD the extension file shipped by `duckdb-extension-tpch`."""
    root = Path(duckdb_extension_tpch.__file__).parent
    path = next(root.glob("extensions/**/tpch.duckdb_extension"))
    conn.execute(f"LOAD '{path}'")
