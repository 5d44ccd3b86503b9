"""Query once, page many: kept results in both modes (local result tables; warehouse chunks)."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.config import Settings
from tests.conftest import Emulator, ModeClient, app_client

ALICE = "alice@example.com"
ADMIN = "admin@example.com"
ORDERS = {"catalog": "main", "schema": "samples", "table": "orders"}


def page(mc: ModeClient, user: str, **body: object) -> dict:  # type: ignore[type-arg]
    response = mc.client.post(
        "/api/unity-catalog/query", json={**ORDERS, **body}, headers=mc.headers(user)
    )
    assert response.status_code == 200, response.json()
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(params=["local", "databricks"])
def tuned(request: pytest.FixtureRequest) -> Iterator[tuple[ModeClient, Settings]]:
    """A factory-free variant of `mode_client` whose settings a test may change (see `with_`)."""
    fixture = "local_settings" if request.param == "local" else "databricks_settings"
    settings = request.getfixturevalue(fixture)
    tokens = None if request.param == "local" else request.getfixturevalue("user_token")
    yield ModeClient(request.param, TestClient(create_app(settings)), tokens), settings


def with_(tuned: tuple[ModeClient, Settings], **update: object) -> ModeClient:
    mc, settings = tuned
    return ModeClient(
        mc.mode, app_client(create_app(settings.model_copy(update=update))), mc.tokens
    )


def test_later_pages_read_the_kept_result(mode_client: ModeClient) -> None:
    first = page(mode_client, ALICE, limit=10, order_by="order_id")
    second = page(
        mode_client, ALICE, limit=10, offset=10, order_by="order_id", query_id=first["query_id"]
    )
    assert (first["result_reused"], second["result_reused"]) == (False, True)
    assert second["query_id"] == first["query_id"]
    assert [r["order_id"] for r in second["rows"]] == list(range(11, 21))
    assert second["total_row_count"] == 5000
    assert second["expires_at"] == first["expires_at"]
    # Without a query id, a later page of the same statement still finds the kept result.
    third = page(mode_client, ALICE, limit=10, offset=20, order_by="order_id")
    assert third["result_reused"] and third["query_id"] == first["query_id"]
    # A different order is a different statement.
    other = page(
        mode_client,
        ALICE,
        limit=10,
        offset=10,
        order_by="order_id",
        order_direction="DESC",
        query_id=first["query_id"],
    )
    assert not other["result_reused"] and not other["result_expired"]
    assert other["rows"][0]["order_id"] == 4990


def test_an_unknown_or_expired_query_id_runs_again_and_says_so(mode_client: ModeClient) -> None:
    body = page(mode_client, ALICE, limit=5, offset=5, order_by="order_id", query_id="gone")
    assert (body["result_reused"], body["result_expired"]) == (False, True)
    assert [r["order_id"] for r in body["rows"]] == [6, 7, 8, 9, 10]
    assert body["query_id"] != "gone"


def test_results_expire_after_their_time_to_live(tuned: tuple[ModeClient, Settings]) -> None:
    mc = with_(tuned, uc_result_ttl_seconds=0.3)
    with mc.client:
        first = page(mc, ALICE, limit=5, order_by="order_id")
        time.sleep(0.4)
        later = page(mc, ALICE, limit=5, offset=5, order_by="order_id", query_id=first["query_id"])
    assert (later["result_reused"], later["result_expired"]) == (False, True)
    assert [r["order_id"] for r in later["rows"]] == [6, 7, 8, 9, 10]


def test_the_memory_bound_evicts_results(tuned: tuple[ModeClient, Settings]) -> None:
    mc = with_(tuned, uc_result_cache_bytes=1024)  # smaller than any result of orders
    with mc.client:
        first = page(mc, ALICE, limit=5, order_by="order_id")
        later = page(mc, ALICE, limit=5, offset=5, order_by="order_id", query_id=first["query_id"])
    assert later["result_expired"]
    assert [r["order_id"] for r in later["rows"]] == [6, 7, 8, 9, 10]


def test_the_row_limit_truncates_and_says_so(tuned: tuple[ModeClient, Settings]) -> None:
    mc = with_(tuned, uc_result_row_limit=100)
    with mc.client:
        first = page(mc, ALICE, limit=60, order_by="order_id")
        last = page(mc, ALICE, limit=60, offset=60, order_by="order_id", query_id=first["query_id"])
    assert first["truncated"] and first["total_row_count"] == 100
    assert [r["order_id"] for r in last["rows"]] == list(range(61, 101))


def test_two_users_page_the_same_table_at_once(mode_client: ModeClient) -> None:
    def read_all(user: str) -> list[int]:
        ids: list[int] = []
        query_id = None
        for offset in range(0, 600, 100):
            body = page(
                mode_client,
                user,
                limit=100,
                offset=offset,
                order_by="order_id",
                order_direction="DESC",
                query_id=query_id,
            )
            query_id = body["query_id"]
            ids += [r["order_id"] for r in body["rows"]]
        return ids

    with ThreadPoolExecutor(2) as pool:
        alice, admin = pool.map(read_all, [ALICE, ADMIN])
    assert alice == admin == list(range(5000, 4400, -1))
    # One user's result id is not another's: it reads as expired and runs the statement again.
    mine = page(mode_client, ALICE, limit=1, order_by="order_id")
    theirs = page(
        mode_client, ADMIN, limit=1, offset=1, order_by="order_id", query_id=mine["query_id"]
    )
    assert theirs["result_expired"] and theirs["query_id"] != mine["query_id"]


def test_a_page_after_the_warehouse_closed_the_statement(
    databricks_client: TestClient, emulator: Emulator, user_token: object
) -> None:
    headers = {"X-Forwarded-Email": ALICE, "X-Forwarded-Access-Token": user_token(ALICE)}  # type: ignore[operator]
    controls = emulator.workspace.controls
    controls.chunk_rows = 1000
    try:
        first = databricks_client.post(
            "/api/unity-catalog/query",
            headers=headers,
            json={**ORDERS, "limit": 10, "order_by": "order_id"},
        ).json()
        for record in list(emulator.workspace.statements.values()):  # two hours pass
            record.ready_at -= 2 * controls.result_ttl_seconds
        later = databricks_client.post(
            "/api/unity-catalog/query",
            headers=headers,
            json={
                **ORDERS,
                "limit": 10,
                "offset": 2500,
                "order_by": "order_id",
                "query_id": first["query_id"],
            },
        )
    finally:
        controls.chunk_rows = 20_000
    assert later.status_code == 200, later.json()
    body = later.json()
    assert (body["result_reused"], body["result_expired"]) == (False, True)
    assert [r["order_id"] for r in body["rows"]] == list(range(2501, 2511))
