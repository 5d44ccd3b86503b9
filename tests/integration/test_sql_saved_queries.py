"""Saved queries and history on a fresh database on the machine's PostgreSQL (migration 004)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from server.app import create_app
from server.config import Settings
from server.db.sql_repositories import HISTORY_KEPT
from tests.conftest import app_client

ALICE = {"X-Forwarded-Email": "alice@example.com"}
BOB = {"X-Forwarded-Email": "bob@example.com"}


@pytest.fixture
def client(local_settings: Settings, machine_postgres_url: str) -> Iterator[TestClient]:
    settings = local_settings.model_copy(update={"database_url": SecretStr(machine_postgres_url)})
    with app_client(create_app(settings)) as c:
        yield c


def test_saved_queries_are_per_user_and_replaced_by_name(client: TestClient) -> None:
    chart = {"kind": "line", "x_column": "d", "y_columns": ["n"], "bins": 20}
    body = {"name": "daily", "query_text": "SELECT 1 AS n", "chart": chart}
    saved = client.post("/api/sql/queries", json=body, headers=ALICE)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["chart"] == chart
    again = client.post(
        "/api/sql/queries", json={**body, "query_text": "SELECT 2 AS n"}, headers=ALICE
    ).json()
    assert again["id"] == saved.json()["id"]
    assert [q["query_text"] for q in client.get("/api/sql/queries", headers=ALICE).json()] == [
        "SELECT 2 AS n"
    ]
    assert client.get("/api/sql/queries", headers=BOB).json() == []
    other = client.delete(f"/api/sql/queries/{again['id']}", headers=BOB)
    assert other.status_code == 404
    assert other.json()["error_code"] == "QUERY_NOT_FOUND"
    assert client.delete(f"/api/sql/queries/{again['id']}", headers=ALICE).status_code == 204
    assert client.get("/api/sql/queries", headers=ALICE).json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "query_text": "SELECT 1"},
        {"name": "x", "query_text": "SELECT '\u0000'"},
        {"name": "x", "query_text": "SELECT 1", "chart": {"kind": "pie"}},
        {"name": "x" * 201, "query_text": "SELECT 1"},
    ],
)
def test_bad_saved_queries_are_validation_errors(
    client: TestClient, body: dict[str, object]
) -> None:
    response = client.post("/api/sql/queries", json=body, headers=ALICE)
    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"


def test_history_keeps_the_last_runs_of_each_user(client: TestClient) -> None:
    for i in range(HISTORY_KEPT + 3):
        client.post("/api/sql/statements", json={"statement": f"SELECT {i}"}, headers=ALICE)
    client.post("/api/sql/statements", json={"statement": "DROP TABLE x"}, headers=BOB)
    history = client.get("/api/sql/history", headers=ALICE).json()
    assert len(history) == HISTORY_KEPT
    assert history[0]["query_text"] == f"SELECT {HISTORY_KEPT + 2}"
    assert history[0]["status"] == "SUCCEEDED"
    assert history[0]["row_count"] == 1
    bob = client.get("/api/sql/history", headers=BOB).json()
    assert [(h["status"], h["query_text"]) for h in bob] == [("FAILED", "DROP TABLE x")]
