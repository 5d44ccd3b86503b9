"""Create the sample business tables (at most 100 rows each) in a Databricks workspace.

Rows come from the local sample catalog, so both modes hold the same data. Statements run on
DATABRICKS_WAREHOUSE_ID in DATABRICKS_CATALOG.DATABRICKS_SCHEMA through the SDK, with the
developer's own credentials (DATABRICKS_TOKEN or a CLI profile): the app's service principal may not
create tables unless granted.
"""

import logging
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import StatementResponse, StatementState

from server.adapters.workspace import WorkspaceClients
from server.config import Settings
from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
from server.local_workspace.setup import catalog_dir, ensure_catalogs
from server.models.catalog import TableMeta
from server.services.query_builder import quote

logger = logging.getLogger("setup")
MAX_ROWS = 100
STATEMENT_TIMEOUT_SECONDS = 600
TABLES = ("customers", "products", "orders")
SAMPLE_QUERIES = {
    "customers": "SELECT * FROM `main`.`samples`.`customers` ORDER BY customer_id LIMIT 100",
    "products": "SELECT * FROM `main`.`samples`.`products` ORDER BY product_id LIMIT 100",
    "orders": "SELECT * FROM `main`.`samples`.`orders` WHERE customer_id <= 100 "
    "ORDER BY order_id LIMIT 100",
}


def sql_literal(value: Any) -> str:
    """A Databricks SQL literal for a Python value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


def table_statements(meta: TableMeta, rows: list[tuple[Any, ...]], target: str) -> list[str]:
    """CREATE OR REPLACE TABLE and one INSERT for a table's rows."""
    columns = ", ".join(f"{quote(c.name)} {c.type_text.upper()}" for c in meta.columns)
    name = f"{target}.{quote(meta.name)}"
    statements = [f"CREATE OR REPLACE TABLE {name} ({columns})"]
    if rows:
        values = ",\n".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in rows)
        statements.append(f"INSERT INTO {name} VALUES\n{values}")
    return statements


def create_sample_tables(settings: Settings) -> None:
    """Create DATABRICKS_SCHEMA and the three business tables in the workspace."""
    ensure_catalogs(settings.local_workspace_dir)
    local = LocalCatalog(open_catalog_connection(catalog_dir(settings.local_workspace_dir), True))
    client = WorkspaceClients(settings).service_principal
    target = f"{quote(settings.databricks_catalog)}.{quote(settings.databricks_schema)}"
    statements = [f"CREATE SCHEMA IF NOT EXISTS {target}"]
    for table in TABLES:
        meta = local.table("main", "samples", table)
        assert meta is not None, f"local sample table {table} is missing"
        rows = local.execute(SAMPLE_QUERIES[table], []).rows[:MAX_ROWS]
        statements += table_statements(meta, rows, target)
    for statement in statements:
        response = _run(client, settings.databricks_warehouse_id or "", statement)
        state = response.status.state if response.status else None
        if state != StatementState.SUCCEEDED:
            error = response.status.error if response.status else None
            raise RuntimeError(f"statement failed ({state}): {error.message if error else ''}")
        logger.info(statement.splitlines()[0][:100])


_RUNNING = (StatementState.PENDING, StatementState.RUNNING)


def _run(client: WorkspaceClient, warehouse_id: str, statement: str) -> StatementResponse:
    """Submit, then poll until the statement ends (a cold warehouse takes minutes to start)."""
    response = client.statement_execution.execute_statement(
        statement=statement, warehouse_id=warehouse_id, wait_timeout="10s"
    )
    deadline = time.monotonic() + STATEMENT_TIMEOUT_SECONDS
    while response.status and response.status.state in _RUNNING:
        if time.monotonic() > deadline:
            client.statement_execution.cancel_execution(response.statement_id or "")
            raise RuntimeError(f"statement did not finish in {STATEMENT_TIMEOUT_SECONDS} s")
        time.sleep(1.0)
        response = client.statement_execution.get_statement(response.statement_id or "")
    return response
