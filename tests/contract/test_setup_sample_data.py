"""setup_sample_data in databricks mode creates the business tables through the SDK (emulator)."""

from fastapi.testclient import TestClient

from scripts.databricks_sample_tables import create_sample_tables, sql_literal
from server.adapters.workspace import WorkspaceClients
from tests.conftest import Emulator, TokenFactory


def test_sql_literals_escape_quotes() -> None:
    assert sql_literal("O'Brien") == "'O''Brien'"
    assert sql_literal(None) == "NULL"
    assert sql_literal(True) == "TRUE"


def test_creates_three_tables_of_at_most_100_rows(
    emulator: Emulator, databricks_client: TestClient, user_token: TokenFactory
) -> None:
    # A developer runs the script with their own credentials: the app's service principal may not
    # create tables.
    settings = emulator.developer_settings().model_copy(
        update={"databricks_catalog": "main", "databricks_schema": "demo"}
    )
    create_sample_tables(settings)
    try:
        _check_tables(databricks_client, user_token)
    finally:
        client = WorkspaceClients(settings).service_principal
        client.statement_execution.execute_statement(
            statement="DROP SCHEMA IF EXISTS `main`.`demo` CASCADE",
            warehouse_id=settings.databricks_warehouse_id or "",
        )


def _check_tables(databricks_client: TestClient, user_token: TokenFactory) -> None:
    headers = {
        "X-Forwarded-Email": "admin@example.com",
        "X-Forwarded-Access-Token": user_token("admin@example.com"),
    }
    names = databricks_client.get(
        "/api/unity-catalog/table-names?catalog=main&schema=demo", headers=headers
    ).json()
    assert names == ["customers", "orders", "products"]
    for table in names:
        body = databricks_client.post(
            "/api/unity-catalog/query",
            headers=headers,
            json={"catalog": "main", "schema": "demo", "table": table, "limit": 1000},
        ).json()
        assert 0 < body["total_row_count"] <= 100
    orders = databricks_client.post(
        "/api/unity-catalog/query",
        headers=headers,
        json={"catalog": "main", "schema": "demo", "table": "orders", "limit": 1},
    ).json()
    assert orders["rows"][0]["order_ts"].endswith("Z")
