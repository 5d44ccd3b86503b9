"""What the local SQL guard costs: a statement run through it (sqlglot parse and transpile, a
parse-tree grant check, DuckDB's bound plan checked, then execution) against the same DuckDB text
run directly on the read-only catalog connection; and reading a page from a stored result against
running the statement again for that page."""

import asyncio

from benchmarks.stats import Report, interleaved
from server.adapters.identity.base import User
from server.adapters.sql.local import LocalSqlEngine
from server.adapters.sql.text import parse_read_statement
from server.config import PROJECT_ROOT
from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
from server.local_workspace.grants import Grants
from server.local_workspace.setup import catalog_dir

STATEMENTS = 50
PAGES = 50
USER = User("alice@example.com", "alice", "Alice")
SQL = (
    "SELECT o.status, count(*) AS n FROM main.samples.orders o "
    "JOIN main.samples.customers c ON o.customer_id = c.customer_id GROUP BY o.status"
)
DUCK = (
    'SELECT o.status, count(*) AS n FROM "uc__main".samples.orders AS o '
    'JOIN "uc__main".samples.customers AS c ON o.customer_id = c.customer_id GROUP BY o.status'
)
PAGE_SQL = "SELECT * FROM main.samples.orders ORDER BY order_id"


def run(report: Report) -> None:
    """STATEMENTS statements per round, guarded and direct; PAGES pages stored and re-run."""
    workspace = PROJECT_ROOT / "local_workspace_data"
    conn = open_catalog_connection(catalog_dir(workspace), read_only=True)
    catalog = LocalCatalog(conn)
    engine = LocalSqlEngine(catalog, Grants.from_file(PROJECT_ROOT / "config" / "grants.json"))
    loop = asyncio.new_event_loop()

    def guarded(sql: str, times: int) -> None:
        async def many() -> None:
            for _ in range(times):
                run = await engine.start(USER, parse_read_statement(sql), [], 100_000)
                await run.result()

        loop.run_until_complete(many())

    def direct() -> None:
        for _ in range(STATEMENTS):
            with catalog.cursor() as cur:
                cur.execute(DUCK).fetchall()

    stored = loop.run_until_complete(
        engine.start(USER, parse_read_statement(PAGE_SQL), [], 100_000)
    )
    rows = loop.run_until_complete(stored.result()).rows

    def pages_from_store() -> None:
        for page in range(PAGES):
            _ = rows[page * 100 : page * 100 + 100]

    def pages_rerun() -> None:
        for page in range(PAGES):
            guarded(f"{PAGE_SQL} LIMIT 100 OFFSET {page * 100}", 1)

    guard = interleaved(
        {"direct": direct, "guarded": lambda: guarded(SQL, STATEMENTS)}, rounds=5, warmup=1
    )
    report.compare(
        f"sql guard: {STATEMENTS} join-and-group statements, direct / guarded",
        guard["direct"],
        guard["guarded"],
    )
    paging = interleaved({"rerun": pages_rerun, "stored": pages_from_store}, rounds=5, warmup=1)
    report.compare(
        f"sql results: {PAGES} pages of 100 rows, re-run per page / sliced from the store",
        paging["rerun"],
        paging["stored"],
    )
    loop.close()
    conn.close()
