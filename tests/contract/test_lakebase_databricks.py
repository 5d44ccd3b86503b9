"""Lakebase in databricks mode through the SDK and the emulator's real PostgreSQL: OAuth tokens
that really expire, refresh before expiry, and failure behaviour."""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from pydantic import SecretStr, ValidationError

from emulator.postgres_cluster import PostgresCluster
from emulator.serve import free_port
from emulator.state import Principal
from server.app import create_app
from server.config import PROJECT_ROOT, Settings
from tests.conftest import Emulator, app_client
from tests.logs import capture_json_logs

ALICE = {"X-Forwarded-Email": "alice@example.com"}


@pytest.mark.parametrize("kind", ["provisioned", "autoscaling"])
def test_requests_across_token_expiries_never_fail(
    kind: str, databricks_settings: Settings, emulator: Emulator
) -> None:
    update: dict[str, object] = {"lakebase_token_refresh_margin_seconds": 2}
    if kind == "provisioned":  # an existing Provisioned instance, named explicitly
        update |= {"lakebase_instance_name": "emulator-lakebase", "lakebase_endpoint": None}
    settings = databricks_settings.model_copy(update=update)
    emulator.state.lakebase_token_lifetime_seconds = 4
    try:
        with capture_json_logs() as logs, app_client(create_app(settings)) as client:
            statuses = []
            deadline = time.monotonic() + 9
            n = 0
            while time.monotonic() < deadline:
                n += 1
                saved = client.post(
                    "/api/preferences",
                    headers=ALICE,
                    json={"preference_key": "dashboard_layout", "preference_value": {"n": n}},
                )
                listed = client.get("/api/preferences", headers=ALICE)
                statuses += [saved.status_code, listed.status_code]
                time.sleep(0.2)
            refreshes = client.app.state.backends.database.tokens.refreshes  # type: ignore[attr-defined]
    finally:
        emulator.state.lakebase_token_lifetime_seconds = 3600
    assert set(statuses) == {200}, statuses
    assert refreshes >= 3
    assert (
        sum(1 for line in logs.lines() if line["message"] == "lakebase credential refreshed") >= 3
    )
    assert "lb-" not in logs.text


def test_pghost_without_a_lakebase_name_or_password_is_a_configuration_error(
    databricks_settings: Settings,
) -> None:
    values = databricks_settings.model_dump() | {"lakebase_endpoint": None, "pgpassword": None}
    with pytest.raises(ValidationError, match="PGHOST is set without PGPASSWORD"):
        Settings(_env_file=None, **values)


def test_two_replicas_keep_their_own_credentials(databricks_settings: Settings) -> None:
    """Real Lakebase accepts every unexpired credential: a second replica minting its own token
    does not log the first one out."""
    body = {"preference_key": "dashboard_layout", "preference_value": {"n": 1}}
    with (
        app_client(create_app(databricks_settings)) as first,
        app_client(create_app(databricks_settings)) as second,
    ):
        for client in (first, second, first, second):
            client.app.state.backends.database.engine.dispose()  # type: ignore[attr-defined]
            assert client.post("/api/preferences", headers=ALICE, json=body).status_code == 200
        tokens = [
            c.app.state.backends.database.tokens.credential().token  # type: ignore[attr-defined]
            for c in (first, second)
        ]
    assert tokens[0] != tokens[1]


def test_a_credential_logs_in_only_as_its_own_role(
    databricks_settings: Settings, emulator: Emulator
) -> None:
    lakebase = emulator.app.state.lakebase
    token, _ = lakebase.mint(databricks_settings.databricks_client_id, 600)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(
            host="127.0.0.1",
            port=lakebase.port,
            user="postgres",
            password=token,
            dbname="databricks_postgres",
            sslmode="require",
        )
    with psycopg.connect(
        host="127.0.0.1",
        port=lakebase.port,
        user=databricks_settings.databricks_client_id,
        password=token,
        dbname="databricks_postgres",
        sslmode="require",
    ) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (
            databricks_settings.databricks_client_id,
        )


def test_a_user_without_a_postgres_role_cannot_mint(
    emulator: Emulator, databricks_settings: Settings
) -> None:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.errors import PermissionDenied

    token, _ = emulator.state.issue(Principal("alice@example.com", "alice"))
    alice = WorkspaceClient(host=emulator.url, token=token, auth_type="pat")
    with pytest.raises(PermissionDenied, match="no Postgres role"):
        alice.postgres.generate_database_credential(
            endpoint=databricks_settings.lakebase_endpoint or ""
        )


def test_token_minting_failure_is_503(databricks_settings: Settings) -> None:
    settings = databricks_settings.model_copy(
        update={"lakebase_endpoint": "projects/no-such/branches/main/endpoints/primary"}
    )
    with app_client(create_app(settings)) as client:
        started = time.monotonic()
        response = client.get("/api/preferences", headers=ALICE)
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["error_code"] == "DATABASE_UNAVAILABLE"
    assert response.headers["retry-after"] == "10"
    assert elapsed < 5


def test_database_down_then_back(local_settings: Settings) -> None:
    cluster = PostgresCluster(free_port(), host_auth="trust")
    cluster.init()
    cluster.start()
    try:
        settings = local_settings.model_copy(update={"database_url": SecretStr(cluster.url())})
        with app_client(create_app(settings)) as client:
            assert (
                client.post(
                    "/api/preferences",
                    headers=ALICE,
                    json={"preference_key": "theme", "preference_value": {"mode": "dark"}},
                ).status_code
                == 200
            )
            cluster.stop()
            started = time.monotonic()
            down = client.get("/api/preferences", headers=ALICE)
            elapsed = time.monotonic() - started
            assert down.status_code == 503
            assert down.json()["retry_after"] == 10
            assert elapsed < 5
            assert client.get("/api/user/me", headers=ALICE).status_code == 200
            ready = client.get("/health/ready")
            assert ready.status_code == 503
            assert "lakebase" in ready.json()["message"]
            cluster.start()
            back = client.get("/api/preferences", headers=ALICE)
            assert back.status_code == 200
            assert back.json()[0]["preference_value"] == {"mode": "dark"}
    finally:
        cluster.remove()


def test_make_migrate_migrates_lakebase_with_a_minted_token(emulator: Emulator) -> None:
    """`alembic upgrade head` (what `make migrate` runs) with the app's environment opens the
    Lakebase database the way the app does: the endpoint's host, the SP's role, a minted token."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env |= emulator.app_environment() | {"DB_SCHEMA": "migrate_check"}
    minted_before = len(emulator.app.state.lakebase.credentials)
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert len(emulator.app.state.lakebase.credentials) > minted_before
    with (
        emulator.app.state.lakebase.cluster.admin() as admin,
        psycopg.connect(
            admin.info.dsn.replace("dbname=postgres", "dbname=databricks_postgres")
        ) as conn,
    ):
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'migrate_check'"
        ).fetchall()
    assert ("user_preferences",) in tables
