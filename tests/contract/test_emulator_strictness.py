"""The emulator refuses what a workspace refuses: OAuth scopes, the app's service principal without
grants, writes, and a forwarded token that belongs to someone else."""

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import PermissionDenied
from fastapi.testclient import TestClient

from emulator.state import Principal
from tests.conftest import Emulator

ALICE = "alice@example.com"
BOB = "bob@example.com"


def client_with_scopes(emulator: Emulator, scopes: list[str]) -> WorkspaceClient:
    """ALICE's client with a token carrying only `scopes` (plus the default ones)."""
    token, _ = emulator.state.issue_user_token(Principal(ALICE, "alice"), None, frozenset(scopes))
    return WorkspaceClient(host=emulator.url, token=token, auth_type="pat")


def test_a_token_without_the_catalog_scope_cannot_list_catalogs(emulator: Emulator) -> None:
    w = client_with_scopes(emulator, ["sql"])
    with pytest.raises(PermissionDenied, match=r"required scopes: catalog\.catalogs:read"):
        list(w.catalogs.list())


def test_a_token_without_the_sql_scope_cannot_run_statements(emulator: Emulator) -> None:
    w = client_with_scopes(emulator, ["catalog.catalogs:read"])
    with pytest.raises(PermissionDenied, match="required scopes: sql"):
        w.statement_execution.execute_statement(
            statement="SELECT 1", warehouse_id=emulator.warehouse_id
        )


def test_reading_endpoints_is_not_querying_them(emulator: Emulator) -> None:
    w = client_with_scopes(emulator, ["serving.serving-endpoints"])
    assert any(e.name == "taxi-fare-regressor" for e in w.serving_endpoints.list())
    with pytest.raises(PermissionDenied, match="required scopes: model-serving"):
        w.serving_endpoints.query(name="taxi-fare-regressor", dataframe_records=[{}])


def test_the_app_service_principal_has_no_grants_until_given(
    emulator: Emulator, databricks_settings: object
) -> None:
    sp = WorkspaceClient(
        host=emulator.url,
        client_id=emulator.state.sp_client_id,
        client_secret=emulator.state.sp_client_secret,
        auth_type="oauth-m2m",
    )
    assert [c.name for c in sp.catalogs.list()] == []
    response = sp.statement_execution.execute_statement(
        statement="SELECT count(*) FROM `main`.`samples`.`orders`",
        warehouse_id=emulator.warehouse_id,
    )
    assert response.status and response.status.error
    assert "INSUFFICIENT_PERMISSIONS" in (response.status.error.message or "")


def test_only_admins_may_write(emulator: Emulator) -> None:
    w = client_with_scopes(emulator, ["sql"])
    response = w.statement_execution.execute_statement(
        statement="DROP TABLE main.samples.orders", warehouse_id=emulator.warehouse_id
    )
    assert response.status and response.status.error
    assert "Only owners" in (response.status.error.message or "")


def test_a_token_of_another_user_is_refused(
    databricks_client: TestClient, emulator: Emulator
) -> None:
    bobs_token, _ = emulator.state.issue_user_token(Principal(BOB, "bob"))
    response = databricks_client.get(
        "/api/user/me",
        headers={"X-Forwarded-Email": ALICE, "X-Forwarded-Access-Token": bobs_token},
    )
    assert response.status_code == 401
    assert response.json()["error_code"] == "AUTH_REQUIRED"


def test_without_a_user_token_the_app_says_it_acts_as_itself(databricks_client: TestClient) -> None:
    body = databricks_client.get("/api/user/me", headers={"X-Forwarded-Email": ALICE}).json()
    assert body["acting_as"] == "app_service_principal"


def test_row_and_byte_limits_truncate_and_closed_results_cannot_be_fetched(
    emulator: Emulator,
) -> None:
    from databricks.sdk.errors import BadRequest
    from databricks.sdk.service.sql import StatementState

    w = client_with_scopes(emulator, ["sql"])
    sql = "SELECT * FROM `main`.`samples`.`orders`"
    limited = w.statement_execution.execute_statement(
        statement=sql, warehouse_id=emulator.warehouse_id, row_limit=10
    )
    assert limited.manifest and limited.manifest.truncated
    assert limited.manifest.total_row_count == 10
    small = w.statement_execution.execute_statement(
        statement=sql, warehouse_id=emulator.warehouse_id, byte_limit=2000
    )
    assert small.manifest and small.manifest.truncated
    assert 0 < (small.manifest.total_row_count or 0) < 5000
    whole = w.statement_execution.execute_statement(
        statement=sql, warehouse_id=emulator.warehouse_id
    )
    assert whole.manifest and not whole.manifest.truncated
    record = emulator.workspace.statements[whole.statement_id or ""]
    record.ready_at -= 2 * emulator.workspace.controls.result_ttl_seconds
    closed = w.statement_execution.get_statement(whole.statement_id or "")
    assert closed.status and closed.status.state == StatementState.CLOSED
    with pytest.raises(BadRequest, match="CLOSED"):
        w.statement_execution.get_statement_result_chunk_n(whole.statement_id or "", 0)
