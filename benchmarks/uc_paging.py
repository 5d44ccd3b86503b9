"""One page of samples.nyctaxi.trips with its filtered total: a window count in the page
statement (what the app does) against a page statement plus a separate COUNT(*)."""

from collections.abc import Callable
from typing import Any

from server.config import PROJECT_ROOT
from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
from server.local_workspace.setup import catalog_dir, ensure_catalogs
from server.models.unity_catalog import QueryRequest
from server.services.query_builder import count_statement, page_statement


def run(compare: Callable[..., None]) -> None:
    """Compare one round trip against two, over 20 pages spread through the table."""
    workspace = PROJECT_ROOT / "local_workspace_data"
    ensure_catalogs(workspace)
    catalog = LocalCatalog(open_catalog_connection(catalog_dir(workspace), read_only=True))
    meta = catalog.table("samples", "nyctaxi", "trips")
    assert meta is not None
    requests = [
        QueryRequest(
            catalog="samples",
            schema_="nyctaxi",
            table="trips",
            limit=100,
            offset=offset,
            filters={"pickup_zip": 10010},
        )
        for offset in range(0, 2000, 100)
    ]

    def window() -> Any:
        for request in requests:
            statement = page_statement(meta, request)
            catalog.execute(statement.sql, statement.parameters)

    def two_statements() -> Any:
        for request in requests:
            statement = page_statement(meta, request)
            catalog.execute(statement.sql, statement.parameters)
            counted = count_statement(meta, request)
            catalog.execute(counted.sql, counted.parameters)

    compare(
        "UC paging: 20 filtered pages of trips",
        ("page + COUNT(*) (2 statements)", two_statements),
        ("page with COUNT(*) OVER () (1 statement)", window),
        rounds=15,
    )
