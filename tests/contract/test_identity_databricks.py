"""Databricks-mode identity through the real SDK against the emulator."""

from databricks.sdk import WorkspaceClient
from fastapi.testclient import TestClient

from emulator.state import EmulatorState
from tests.conftest import TokenFactory
from tests.integration.test_foundation_http import assert_envelope


def test_sdk_m2m_oauth_reads_the_service_principal(
    emulator_url: str, emulator_state: EmulatorState
) -> None:
    client = WorkspaceClient(
        host=emulator_url,
        client_id=emulator_state.sp_client_id,
        client_secret=emulator_state.sp_client_secret,
        auth_type="oauth-m2m",
    )
    me = client.current_user.me()
    assert me.user_name == emulator_state.sp_client_id


def test_request_without_identity_is_401(databricks_client: TestClient) -> None:
    response = databricks_client.get("/api/user/me")
    assert response.status_code == 401
    assert_envelope(response.json(), "AUTH_REQUIRED")


def test_user_groups_come_from_scim_on_the_users_token(
    databricks_client: TestClient, user_token: TokenFactory
) -> None:
    token = user_token("admin@example.com")
    response = databricks_client.get(
        "/api/user/me",
        headers={"X-Forwarded-Email": "admin@example.com", "X-Forwarded-Access-Token": token},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["user_id"] == "admin@example.com"
    assert body["mode"] == "databricks"
    assert "admins" in body["groups"]


def test_readiness_reports_the_workspace(databricks_client: TestClient) -> None:
    body = databricks_client.get("/health/ready").json()
    assert body["backends"]["workspace"]["status"] == "ok"
    assert "app-service-principal" in body["backends"]["workspace"]["detail"]


def test_unreachable_workspace_fails_readiness_fast(local_settings: object) -> None:
    from emulator.serve import free_port
    from server.app import create_app
    from server.config import Settings

    settings = Settings(
        _env_file=None,
        app_mode="databricks",
        databricks_host=f"http://127.0.0.1:{free_port()}",
        databricks_token="x",
        databricks_warehouse_id="w",
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
        sdk_retry_timeout_seconds=1,
        sdk_http_timeout_seconds=1,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert_envelope(body, "SERVICE_UNAVAILABLE")
    assert body["retry_after"] == 10
    assert "workspace" in body["message"]


def test_user_profile_is_read_once_per_token(
    databricks_client: TestClient, user_token: TokenFactory, emulator_state: EmulatorState
) -> None:
    token = user_token("alice@example.com")
    headers = {"X-Forwarded-Email": "alice@example.com", "X-Forwarded-Access-Token": token}
    first = databricks_client.get("/api/user/me", headers=headers).json()
    emulator_state.tokens.pop(token)  # the workspace no longer knows the token
    second = databricks_client.get("/api/user/me", headers=headers).json()
    assert first["groups"] == second["groups"] == ["analysts", "users"]
