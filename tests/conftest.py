"""Shared fixtures: settings per mode, the REST emulator on a loopback port, app clients."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from emulator.app import create_emulator, emulator_workspace
from emulator.bundle import Bundle, load_bundle
from emulator.provision import Deployment, app_environment
from emulator.serve import free_port, serve_in_thread
from emulator.serving import ServingControls
from emulator.state import EmulatorState
from emulator.workspace import EmulatorWorkspace
from server.app import create_app
from server.config import PROJECT_ROOT, Settings
from server.local_workspace.setup import ensure_models

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_component(available: bool, name: str, how: str) -> None:
    """Fail in CI when a real component is missing; skip with instructions elsewhere."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required in CI but is missing: {how}")
    pytest.skip(f"{name} is not available: {how}")


@pytest.fixture(scope="session")
def workspace_dir() -> Path:
    """The prepared local workspace (sample data, models) shared by the whole run."""
    return PROJECT_ROOT / "local_workspace_data"


@pytest.fixture(scope="session")
def embedded_postgres(workspace_dir: Path) -> Iterator[str]:
    """The embedded PostgreSQL of the shared workspace, held for the whole run so apps started
    and stopped by tests join it instead of restarting it; stopped when the run ends."""
    from server.db.embedded import acquire_embedded_postgres

    url, release = acquire_embedded_postgres(workspace_dir / "pgdata")
    yield url
    release()


@pytest.fixture
def local_settings(workspace_dir: Path, embedded_postgres: str) -> Settings:
    """Settings for local mode on the shared local workspace (its embedded PostgreSQL running)."""
    return Settings(_env_file=None, app_mode="local", local_workspace_dir=workspace_dir)


@pytest.fixture(scope="session")
def emulator_state() -> EmulatorState:
    """The emulator's state, so tests can mint user tokens and inject faults."""
    return EmulatorState()


# The bundle's serving endpoint is a foundation model the emulator does not host; the tests bind
# one of the emulator's endpoints instead (`databricks bundle deploy --var serving_endpoint=...`).
BUNDLE_VARIABLES = {"serving_endpoint": "taxi-fare-regressor"}


def repository_bundle() -> Bundle:
    """The repository's databricks.yml (dev target) and app.yaml, as the tests deploy them."""
    return load_bundle(PROJECT_ROOT / "databricks.yml", "dev", BUNDLE_VARIABLES)


@dataclass
class Emulator:
    url: str
    state: EmulatorState
    workspace: EmulatorWorkspace
    lakebase_port: int
    serving: ServingControls
    app: FastAPI
    bundle: Bundle
    deployment: Deployment

    @property
    def warehouse_id(self) -> str:
        """The id of the warehouse the app is bound to."""
        return self.deployment.app_resources["sql-warehouse"]

    def developer_settings(self, email: str = "admin@example.com") -> Settings:
        """Settings for a developer running scripts with their own token (all APIs), not the
        app's service principal."""
        from emulator.state import Principal

        token, _ = self.state.issue(Principal(email, email.split("@")[0]))
        return Settings.from_environment(
            self.app_environment(),
            databricks_client_id=None,
            databricks_client_secret=None,
            databricks_token=token,
        )

    def app_environment(self) -> dict[str, str]:
        """The environment Databricks Apps would give the deployed app."""
        ws = emulator_workspace(self.app)
        return app_environment(self.deployment, self.bundle.app_yaml, self.url, ws, 8000)


@pytest.fixture(scope="session")
def emulator(emulator_state: EmulatorState, workspace_dir: Path) -> Iterator[Emulator]:
    """The Databricks REST emulator with the repository's bundle deployed, served on a free
    loopback port for the session."""
    ensure_models(workspace_dir)
    settings = Settings(_env_file=None, app_mode="local", local_workspace_dir=workspace_dir)
    bundle = repository_bundle()
    app = create_emulator(settings, free_port(), emulator_state, bundle)
    with serve_in_thread(app) as url:
        yield Emulator(
            url,
            emulator_state,
            app.state.workspace,
            app.state.lakebase.port,
            app.state.serving_controls,
            app,
            bundle,
            app.state.deployment,
        )


@pytest.fixture(scope="session")
def emulator_url(emulator: Emulator) -> str:
    """The emulator's base URL."""
    return emulator.url


@pytest.fixture
def databricks_settings(emulator: Emulator) -> Settings:
    """Settings for databricks mode against the emulator: exactly the environment Databricks Apps
    gives the deployed bundle (the app's SP, its warehouse, its Lakebase Autoscaling endpoint)."""
    return Settings.from_environment(
        emulator.app_environment(), sdk_retry_timeout_seconds=5, sdk_http_timeout_seconds=20
    )


def app_client(app: FastAPI) -> TestClient:
    """A test client that sends no identity headers by default."""
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def local_client(local_settings: Settings) -> Iterator[TestClient]:
    """The app in local mode."""
    with app_client(create_app(local_settings)) as client:
        yield client


@pytest.fixture
def databricks_client(databricks_settings: Settings) -> Iterator[TestClient]:
    """The app in databricks mode, talking to the emulator through the real SDK."""
    with app_client(create_app(databricks_settings)) as client:
        yield client


@pytest.fixture
def user_token(emulator_url: str, emulator_state: EmulatorState) -> "TokenFactory":
    """Mint emulator user tokens (what the Apps proxy forwards in X-Forwarded-Access-Token)."""
    return TokenFactory(emulator_state)


class TokenFactory:
    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    def __call__(self, email: str, lifetime: int | None = None) -> str:
        from emulator.state import Principal

        token, _ = self._state.issue_user_token(Principal(email, email.split("@")[0]), lifetime)
        return token


@dataclass
class ModeClient:
    """An app client plus a way to act as a given user in that mode."""

    mode: str
    client: TestClient
    tokens: TokenFactory | None

    def headers(self, email: str) -> dict[str, str]:
        """Proxy headers for `email` (with an emulator token in databricks mode)."""
        headers = {"X-Forwarded-Email": email}
        if self.tokens is not None:
            headers["X-Forwarded-Access-Token"] = self.tokens(email)
        return headers


@pytest.fixture(params=["local", "databricks"])
def mode_client(request: pytest.FixtureRequest) -> Iterator[ModeClient]:
    """The same behaviour suite runs against the local adapters and, via the emulator, the SDK."""
    if request.param == "local":
        settings = request.getfixturevalue("local_settings")
        tokens = None
    else:
        settings = request.getfixturevalue("databricks_settings")
        tokens = request.getfixturevalue("user_token")
    with app_client(create_app(settings)) as client:
        yield ModeClient(request.param, client, tokens)


def _machine_postgres_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3
        ):
            return True
    except psycopg.Error:
        return False


@pytest.fixture
def machine_postgres_url() -> Iterator[str]:
    """A fresh, empty database on the machine's PostgreSQL (127.0.0.1:5432), dropped afterwards."""
    import uuid

    import psycopg

    require_component(
        _machine_postgres_available(),
        "PostgreSQL on 127.0.0.1:5432",
        "start it (pg_ctlcluster <version> main start) or install postgresql",
    )
    name = f"app_test_{uuid.uuid4().hex[:10]}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["embedded", "machine"])
def preferences_client(
    request: pytest.FixtureRequest, local_settings: Settings
) -> Iterator[TestClient]:
    """The app in local mode on the embedded PostgreSQL and on the machine's PostgreSQL."""
    settings = local_settings
    if request.param == "machine":
        url = request.getfixturevalue("machine_postgres_url")
        settings = local_settings.model_copy(update={"database_url": SecretStr(url)})
    with app_client(create_app(settings)) as client:
        client.delete("/api/preferences/theme", headers={"X-Forwarded-Email": "alice@example.com"})
        client.delete("/api/preferences/theme", headers={"X-Forwarded-Email": "bob@example.com"})
        yield client
