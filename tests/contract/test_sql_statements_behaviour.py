"""The SQL statements API, one suite against both modes (local DuckDB, and SDK → emulator)."""

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ModeClient

ALICE = "alice@example.com"
BOB = "bob@example.com"
ADMIN = "admin@example.com"


def submit(mc: ModeClient, user: str, statement: str, **body: Any) -> tuple[int, dict[str, Any]]:
    response = mc.client.post(
        "/api/sql/statements", json={"statement": statement, **body}, headers=mc.headers(user)
    )
    return response.status_code, response.json()


def test_databricks_dialect_gives_the_same_rows_in_both_modes(mode_client: ModeClient) -> None:
    status, body = submit(
        mode_client,
        ALICE,
        "SELECT o.`order_id`, nvl(NULL, 'none') AS filled, upper(o.status) AS s "
        "FROM `main`.`samples`.`orders` AS o WHERE o.order_id <= :last ORDER BY o.order_id",
        parameters=[{"name": "last", "value": "3", "type": "INT"}],
    )
    assert status == 200, body
    assert body["status"] == "SUCCEEDED"
    assert [c["name"] for c in body["columns"]] == ["order_id", "filled", "s"]
    assert body["columns"][0]["type_name"] == "LONG"
    assert body["rows"] == [
        [1, "none", "CANCELLED"],
        [2, "none", "DELIVERED"],
        [3, "none", "PLACED"],
    ]
    assert body["total_row_count"] == 3
    assert body["truncated"] is False


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT count(*) FROM main.hr.salaries",
        "SELECT o.order_id FROM main.samples.orders o JOIN main.hr.salaries s ON o.order_id = s.employee_id",
        "SELECT * FROM main.samples.orders WHERE order_id IN (SELECT employee_id FROM main.hr.salaries)",
        "WITH orders AS (SELECT * FROM main.hr.salaries) SELECT * FROM orders",
        "SELECT order_id FROM main.samples.orders UNION ALL SELECT employee_id FROM main.hr.salaries",
        "SELECT (SELECT max(salary) FROM main.hr.salaries) AS top",
    ],
)
def test_grants_hold_through_joins_subqueries_ctes_and_unions(
    mode_client: ModeClient, statement: str
) -> None:
    status, body = submit(mode_client, BOB, statement)
    assert status == 403, body
    assert body["error_code"] == "CATALOG_PERMISSION_DENIED"


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM main.samples.orders",
        "INSERT INTO main.samples.orders SELECT * FROM main.samples.orders",
        "CREATE TABLE main.samples.x AS SELECT 1",
        "SELECT 1; SELECT 2",
        "SET spark.sql.ansi.enabled = false",
        "COPY main.samples.orders TO '/tmp/x.csv'",
        "ATTACH '/tmp/x.duckdb' AS x",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA database_list",
        "SELECT * INTO main.samples.copy FROM main.samples.orders",
    ],
)
def test_statements_that_are_not_one_read_are_invalid(
    mode_client: ModeClient, statement: str
) -> None:
    status, body = submit(mode_client, ADMIN, statement)
    assert status == 400, body
    assert body["error_code"] == "INVALID_QUERY"


def test_pages_come_from_the_stored_result_and_belong_to_their_user(
    mode_client: ModeClient,
) -> None:
    mc = mode_client
    status, body = submit(
        mc, ALICE, "SELECT order_id FROM main.samples.orders ORDER BY order_id", page_size=10
    )
    assert status == 200, body
    assert body["total_row_count"] == 5000
    assert body["rows"] == [[i] for i in range(1, 11)]
    statement_id = body["statement_id"]
    page = mc.client.get(
        f"/api/sql/statements/{statement_id}/rows?offset=4995&limit=10", headers=mc.headers(ALICE)
    ).json()
    assert page["rows"] == [[i] for i in range(4996, 5001)]
    assert page["row_count"] == 5
    for path in ("", "/rows", "/export?format=csv"):
        other = mc.client.get(f"/api/sql/statements/{statement_id}{path}", headers=mc.headers(BOB))
        assert other.status_code == 404
        assert other.json()["error_code"] == "STATEMENT_NOT_FOUND"
    other = mc.client.post(f"/api/sql/statements/{statement_id}/cancel", headers=mc.headers(BOB))
    assert other.json()["error_code"] == "STATEMENT_NOT_FOUND"


def test_export_streams_the_whole_result_as_csv(mode_client: ModeClient) -> None:
    mc = mode_client
    _, body = submit(
        mc, ALICE, "SELECT order_id, status FROM main.samples.orders ORDER BY order_id", page_size=1
    )
    response = mc.client.get(
        f"/api/sql/statements/{body['statement_id']}/export?format=csv", headers=mc.headers(ALICE)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "order_id,status"
    assert lines[1] == "1,CANCELLED"
    assert len(lines) == 5001


def test_row_limit_truncates_and_says_so(mode_client: ModeClient) -> None:
    status, body = submit(
        mode_client, ALICE, "SELECT order_id FROM main.samples.orders", row_limit=7
    )
    assert status == 200, body
    assert body["total_row_count"] == 7
    assert body["truncated"] is True


def test_cancel_stops_a_long_statement(mode_client: ModeClient) -> None:
    mc = mode_client
    status, body = submit(
        mc,
        ALICE,
        "SELECT count(*) FROM range(1000000000) a CROSS JOIN range(1000000) b",
        wait_timeout_seconds=0,
    )
    assert status == 200, body
    assert body["status"] == "RUNNING"
    statement_id = body["statement_id"]
    canceled = mc.client.post(
        f"/api/sql/statements/{statement_id}/cancel", headers=mc.headers(ALICE)
    )
    assert canceled.json()["status"] == "CANCELED"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = mc.client.get(
            f"/api/sql/statements/{statement_id}", headers=mc.headers(ALICE)
        ).json()
        assert state["status"] == "CANCELED"
        time.sleep(0.2)
        break
    rows = mc.client.get(f"/api/sql/statements/{statement_id}/rows", headers=mc.headers(ALICE))
    assert rows.status_code == 400
    assert rows.json()["error_code"] == "INVALID_QUERY"


def test_a_statement_past_its_timeout_is_canceled(local_client: TestClient) -> None:
    mc = ModeClient("local", local_client, None)
    status, body = submit(
        mc,
        ALICE,
        "SELECT count(*) FROM range(1000000000) a CROSS JOIN range(1000000) b",
        timeout_seconds=1,
        wait_timeout_seconds=5,
    )
    assert status == 200, body
    assert body["status"] == "CANCELED"
    assert body["error"]["error_code"] == "TIMEOUT"
