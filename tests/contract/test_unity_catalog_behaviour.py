"""One Unity Catalog behaviour suite, run against both adapters (local, and SDK → emulator)."""

import time

import pytest

from tests.conftest import Emulator, ModeClient

ALICE = "alice@example.com"
ADMIN = "admin@example.com"
BOB = "bob@example.com"


def query(mc: ModeClient, user: str, **body: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = mc.client.post("/api/unity-catalog/query", json=body, headers=mc.headers(user))
    return response.status_code, response.json()


def test_listing_follows_grants(mode_client: ModeClient) -> None:
    mc = mode_client
    get = lambda path, user: mc.client.get(path, headers=mc.headers(user)).json()  # noqa: E731
    assert get("/api/unity-catalog/catalogs", ALICE) == ["main", "samples"]
    assert get("/api/unity-catalog/schemas?catalog=main", ALICE) == ["samples"]
    assert get("/api/unity-catalog/schemas?catalog=main", ADMIN) == ["hr", "samples"]
    names = get("/api/unity-catalog/table-names?catalog=main&schema=samples", ALICE)
    assert names == ["customers", "orders", "products", "returns"]
    assert get("/api/unity-catalog/schemas?catalog=samples", BOB) == ["nyctaxi"]
    assert "tpch" in get("/api/unity-catalog/schemas?catalog=samples", ALICE)


def test_tables_describe_columns_owner_and_counts(mode_client: ModeClient) -> None:
    mc = mode_client
    response = mc.client.get(
        "/api/unity-catalog/tables?catalog=main&schema=samples", headers=mc.headers(ALICE)
    )
    tables = {t["table_name"]: t for t in response.json()}
    orders = tables["orders"]
    assert orders["full_name"] == "main.samples.orders"
    assert orders["row_count"] == 5000
    assert orders["access_level"] == "READ"
    assert [c["name"] for c in orders["columns"]][:2] == ["order_id", "customer_id"]
    assert orders["owner"] == ADMIN


def test_restricted_table_hidden_and_denied_for_alice(mode_client: ModeClient) -> None:
    mc = mode_client
    status, body = query(mc, ALICE, catalog="main", schema="hr", table="salaries")
    assert status == 403
    assert body["error_code"] == "CATALOG_PERMISSION_DENIED"
    assert body["message"] == "You don't have access to this table."
    status, body = query(mc, ADMIN, catalog="main", schema="hr", table="salaries", limit=5)
    assert status == 200
    assert body["row_count"] == 5
    assert body["total_row_count"] == 40


def test_page_values_and_types(mode_client: ModeClient) -> None:
    status, body = query(
        mode_client,
        ALICE,
        catalog="main",
        schema="samples",
        table="orders",
        limit=3,
        order_by="order_id",
    )
    assert status == 200, body
    first = body["rows"][0]
    assert first["order_id"] == 1
    assert isinstance(first["quantity"], int)
    assert isinstance(first["total"], str)
    assert first["order_ts"].endswith("Z")
    assert body["row_count"] == 3
    assert body["total_row_count"] == 5000
    assert body["status"] == "SUCCEEDED"
    assert body["user_id"] == ALICE
    assert body["sql_statement"].endswith("ORDER BY `order_id` ASC NULLS LAST")
    assert body["query_id"] and body["expires_at"]
    assert (body["truncated"], body["result_reused"], body["result_expired"]) == (
        False,
        False,
        False,
    )


def test_same_rows_in_both_modes(mode_client: ModeClient) -> None:
    status, body = query(
        mode_client,
        ALICE,
        catalog="main",
        schema="samples",
        table="customers",
        limit=2,
        order_by="customer_id",
        order_direction="DESC",
    )
    assert status == 200
    assert [r["customer_id"] for r in body["rows"]] == [500, 499]
    assert body["rows"][0]["email"].endswith("@example.com")
    assert isinstance(body["rows"][0]["is_active"], bool)
    assert body["rows"][0]["signup_date"].count("-") == 2


def test_filters_are_bound_parameters(mode_client: ModeClient) -> None:
    status, body = query(
        mode_client,
        ALICE,
        catalog="main",
        schema="samples",
        table="orders",
        filters={"status": "PLACED", "quantity": 2},
        limit=1000,
    )
    assert status == 200, body
    assert body["rows"]
    assert all(r["status"] == "PLACED" and r["quantity"] == 2 for r in body["rows"])
    assert body["total_row_count"] == len(body["rows"])


@pytest.mark.parametrize(
    "evil",
    ["PLACED' OR '1'='1", "x'; DROP TABLE main.samples.orders; --", "1 UNION SELECT * FROM x"],
)
def test_sql_in_filter_values_is_plain_data(mode_client: ModeClient, evil: str) -> None:
    status, body = query(
        mode_client,
        ALICE,
        catalog="main",
        schema="samples",
        table="orders",
        filters={"status": evil},
    )
    assert status == 200
    assert body["rows"] == []
    _, after = query(mode_client, ALICE, catalog="main", schema="samples", table="orders", limit=1)
    assert after["total_row_count"] == 5000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("table", "orders; DROP TABLE x"),
        ("schema", "samples--"),
        ("catalog", "main`"),
        ("limit", 0),
        ("limit", 1001),
        ("offset", -1),
    ],
)
def test_bad_identifiers_and_ranges_are_422(
    mode_client: ModeClient, field: str, value: object
) -> None:
    body: dict[str, object] = {"catalog": "main", "schema": "samples", "table": "orders"}
    body[field] = value
    status, answer = query(mode_client, ALICE, **body)
    assert status == 422
    assert answer["error_code"] == "VALIDATION_ERROR"
    assert answer["technical_details"]["errors"][0]["field"] == field


@pytest.mark.parametrize("column", ["nope", "status; DROP TABLE x", "`status`"])
def test_unknown_filter_or_order_column_is_400(mode_client: ModeClient, column: str) -> None:
    status, body = query(
        mode_client, ALICE, catalog="main", schema="samples", table="orders", order_by=column
    )
    assert (status, body["error_code"]) == (400, "INVALID_QUERY")
    status, body = query(
        mode_client, ALICE, catalog="main", schema="samples", table="orders", filters={column: 1}
    )
    assert (status, body["error_code"]) == (400, "INVALID_QUERY")


def test_missing_table_is_404(mode_client: ModeClient) -> None:
    status, body = query(mode_client, ALICE, catalog="main", schema="samples", table="nothing")
    assert status == 404
    assert body["error_code"] == "TABLE_NOT_FOUND"


def test_empty_table_is_200(mode_client: ModeClient) -> None:
    status, body = query(mode_client, ALICE, catalog="main", schema="samples", table="returns")
    assert status == 200
    assert (body["rows"], body["row_count"], body["total_row_count"]) == ([], 0, 0)


def test_page_past_the_end_keeps_the_total(mode_client: ModeClient) -> None:
    status, body = query(
        mode_client, ALICE, catalog="main", schema="samples", table="products", offset=500
    )
    assert status == 200
    assert (body["row_count"], body["total_row_count"]) == (0, 60)


def test_paging_trips_yields_every_row_once(mode_client: ModeClient) -> None:
    seen: list[tuple[object, ...]] = []
    offset, total, query_id = 0, None, None
    while total is None or offset < total:
        status, body = query(
            mode_client,
            ALICE,
            catalog="samples",
            schema="nyctaxi",
            table="trips",
            limit=1000,
            offset=offset,
            query_id=query_id,
        )
        assert status == 200
        assert body["result_reused"] == (query_id is not None)
        total, query_id = body["total_row_count"], body["query_id"]
        seen += [tuple(r.values()) for r in body["rows"]]
        offset += 1000
    assert total == 120_000
    assert len(seen) == total
    assert len(set(seen)) == len(seen)


def test_databricks_mode_handles_chunks_empty_pages_and_cold_start(
    databricks_client: object, emulator: Emulator, user_token: object
) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(databricks_client, TestClient)
    controls = emulator.workspace.controls
    warehouse = emulator.workspace.warehouses[emulator.warehouse_id]
    headers = {"X-Forwarded-Email": ALICE, "X-Forwarded-Access-Token": user_token(ALICE)}  # type: ignore[operator]
    controls.chunk_rows, controls.uc_empty_pages, controls.uc_page_size = 7, True, 1
    warehouse.state = "STOPPED"
    try:
        names = databricks_client.get("/api/unity-catalog/catalogs", headers=headers).json()
        assert names == ["main", "samples"]
        response = databricks_client.post(
            "/api/unity-catalog/query",
            headers=headers,
            json={"catalog": "main", "schema": "samples", "table": "products", "limit": 50},
        )
        assert response.status_code == 200, response.json()
        assert response.json()["row_count"] == 50
        assert warehouse.state == "RUNNING"
        warehouse.state = "STOPPED"  # stops again while the app believes it is running
        again = databricks_client.post(
            "/api/unity-catalog/query",
            headers=headers,
            json={"catalog": "main", "schema": "samples", "table": "products", "limit": 5},
        )
        assert again.status_code == 200, again.json()
        assert warehouse.state == "RUNNING"
    finally:
        controls.chunk_rows, controls.uc_empty_pages, controls.uc_page_size = 20_000, False, 100
        warehouse.state = "RUNNING"


def test_databricks_mode_waits_for_slow_statements_and_retries_503(
    databricks_client: object, emulator: Emulator, user_token: object
) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(databricks_client, TestClient)
    controls = emulator.workspace.controls
    headers = {"X-Forwarded-Email": ALICE, "X-Forwarded-Access-Token": user_token(ALICE)}  # type: ignore[operator]
    controls.latency_seconds, controls.unavailable_responses = 6.0, 1
    try:
        response = databricks_client.post(
            "/api/unity-catalog/query",
            headers=headers,
            json={"catalog": "main", "schema": "samples", "table": "products", "limit": 5},
        )
    finally:
        controls.latency_seconds, controls.unavailable_responses = 0.0, 0
    assert response.status_code == 200, response.json()
    assert response.json()["row_count"] == 5


def test_uc_calls_are_logged_with_user_and_duration(mode_client: ModeClient) -> None:
    from tests.logs import capture_json_logs

    with capture_json_logs() as logs:
        query(mode_client, ALICE, catalog="main", schema="samples", table="orders", limit=1)
    lines = [line for line in logs.lines() if line["message"] == "uc statement"]
    assert lines
    assert lines[0]["user_id"] == ALICE
    assert lines[0]["request_id"]
    assert lines[0]["duration_ms"] >= 0


def test_slow_warehouse_is_503_database_unavailable(
    databricks_settings: object, emulator: Emulator, user_token: object
) -> None:
    from server.app import create_app
    from server.config import Settings
    from tests.conftest import app_client

    assert isinstance(databricks_settings, Settings)
    settings = databricks_settings.model_copy(
        update={"uc_statement_timeout_seconds": 1, "uc_warehouse_start_timeout_seconds": 1}
    )
    emulator.workspace.controls.latency_seconds = 4
    try:
        with app_client(create_app(settings)) as client:
            started = time.monotonic()
            response = client.post(
                "/api/unity-catalog/query",
                headers={"X-Forwarded-Email": ALICE, "X-Forwarded-Access-Token": user_token(ALICE)},  # type: ignore[operator]
                json={"catalog": "main", "schema": "samples", "table": "products"},
            )
            elapsed = time.monotonic() - started
    finally:
        emulator.workspace.controls.latency_seconds = 0
    assert response.status_code == 503
    assert response.json()["error_code"] == "DATABASE_UNAVAILABLE"
    assert response.json()["retry_after"] == 10
    assert elapsed < 4


def test_statement_failure_is_400_with_its_message(mode_client: ModeClient) -> None:
    status, body = query(
        mode_client,
        ALICE,
        catalog="main",
        schema="samples",
        table="orders",
        filters={"quantity": "three"},
    )
    assert status == 400
    assert body["error_code"] == "INVALID_QUERY"
    assert "three" in body["message"]
