"""The bundle as a workspace deploys it: each fix in databricks.yml is needed, and reverting one
fails the way a workspace would."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from emulator.app import close_emulator, create_emulator, emulator_workspace
from emulator.bundle import Bundle, BundleError, load_bundle
from emulator.provision import app_environment, deploy
from emulator.serve import free_port, serve_in_thread
from emulator.state import EmulatorState, Principal
from scripts.rehearsal_journeys import MEMBER, ORDERS
from server.app import create_app
from server.config import PROJECT_ROOT, Settings
from tests.conftest import BUNDLE_VARIABLES, app_client

Edit = Callable[[dict[str, Any]], None]


def bundle_copy(tmp_path: Path, edit: Edit, variables: dict[str, str] | None = None) -> Bundle:
    """The repository's bundle with `edit` applied to databricks.yml."""
    document = yaml.safe_load((PROJECT_ROOT / "databricks.yml").read_text())
    edit(document)
    (tmp_path / "databricks.yml").write_text(yaml.safe_dump(document))
    (tmp_path / "app.yaml").write_text((PROJECT_ROOT / "app.yaml").read_text())
    return load_bundle(tmp_path / "databricks.yml", "dev", variables or BUNDLE_VARIABLES)


@contextmanager
def deployed_app(bundle: Bundle, workspace_dir: Path) -> Iterator[tuple[TestClient, EmulatorState]]:
    """An emulator with `bundle` deployed, and the app with the environment Apps would give it."""
    state = EmulatorState()
    settings = Settings(_env_file=None, app_mode="local", local_workspace_dir=workspace_dir)
    emulator = create_emulator(settings, free_port(), state, bundle)
    with serve_in_thread(emulator) as url:
        env = app_environment(
            emulator.state.deployment, bundle.app_yaml, url, emulator_workspace(emulator), 8000
        )
        app_settings = Settings.from_environment(env)
        with app_client(create_app(app_settings)) as client:
            yield client, state


def member_page(client: TestClient, state: EmulatorState) -> tuple[int, dict[str, Any]]:
    """A member of the users group pages main.samples.orders on their own token."""
    token, _ = state.issue_user_token(Principal(MEMBER, "bob"))
    response = client.post(
        "/api/unity-catalog/query",
        headers={"X-Forwarded-Email": MEMBER, "X-Forwarded-Access-Token": token},
        json=ORDERS,
    )
    return response.status_code, response.json()


def test_the_repository_bundle_lets_a_member_page_a_table(
    tmp_path: Path, workspace_dir: Path
) -> None:
    with deployed_app(bundle_copy(tmp_path, lambda d: None), workspace_dir) as (client, state):
        status, body = member_page(client, state)
    assert status == 200, body


def _drop_warehouse_permissions(document: dict[str, Any]) -> None:
    del document["resources"]["sql_warehouses"]["app_warehouse"]["permissions"]


def test_without_can_use_on_the_warehouse_members_are_refused(
    tmp_path: Path, workspace_dir: Path
) -> None:
    bundle = bundle_copy(tmp_path, _drop_warehouse_permissions)
    with deployed_app(bundle, workspace_dir) as (client, state):
        status, body = member_page(client, state)
    assert status == 403
    assert body["error_code"] == "PERMISSION_DENIED"
    assert "CAN_USE" in body["message"]


def _drop_sql_scope(document: dict[str, Any]) -> None:
    document["resources"]["apps"]["app"]["user_api_scopes"].remove("sql")


def test_without_the_sql_scope_statements_are_refused(tmp_path: Path, workspace_dir: Path) -> None:
    with deployed_app(bundle_copy(tmp_path, _drop_sql_scope), workspace_dir) as (client, state):
        status, body = member_page(client, state)
    assert status == 403
    assert body["error_code"] == "PERMISSION_DENIED"
    assert "does not have required scopes: sql" in body["message"]
    assert "user_api_scopes" in body["message"]


def _provisioned_lakebase(document: dict[str, Any]) -> None:
    resources = document["resources"]
    for kind in ("postgres_projects", "postgres_branches", "postgres_endpoints"):
        del resources[kind]
    resources["database_instances"] = {"app_lakebase": {"name": "app-lakebase", "capacity": "CU_1"}}
    app = resources["apps"]["app"]
    app["resources"] = [r for r in app["resources"] if r["name"] != "postgres"] + [
        {
            "name": "database",
            "database": {
                "instance_name": "${resources.database_instances.app_lakebase.name}",
                "database_name": "databricks_postgres",
                "permission": "CAN_CONNECT_AND_CREATE",
            },
        }
    ]


def _deploy(bundle: Bundle, workspace_dir: Path) -> None:
    settings = Settings(_env_file=None, app_mode="local", local_workspace_dir=workspace_dir)
    emulator = create_emulator(settings, free_port(), EmulatorState())
    try:
        deploy(emulator_workspace(emulator), bundle)
    finally:
        close_emulator(emulator)


def test_a_new_provisioned_lakebase_instance_fails_the_deploy(
    tmp_path: Path, workspace_dir: Path
) -> None:
    bundle = bundle_copy(tmp_path, _provisioned_lakebase)
    with pytest.raises(BundleError, match="Provisioned instances cannot be created"):
        _deploy(bundle, workspace_dir)


def test_an_app_resource_naming_a_missing_endpoint_fails_the_deploy(
    tmp_path: Path, workspace_dir: Path
) -> None:
    bundle = bundle_copy(tmp_path, lambda d: None, {"serving_endpoint": "no-such-endpoint"})
    with pytest.raises(BundleError, match="serving endpoint no-such-endpoint does not exist"):
        _deploy(bundle, workspace_dir)


def test_the_app_gets_the_environment_databricks_apps_gives_it(emulator: Any) -> None:
    env = emulator.app_environment()
    assert env["LAKEBASE_ENDPOINT"] == "projects/app-template-dev/branches/main/endpoints/primary"
    assert env["DATABRICKS_WAREHOUSE_ID"] == emulator.warehouse_id
    assert env["PGUSER"] == env["DATABRICKS_CLIENT_ID"]
    assert env["PGSSLMODE"] == "require"
    assert env["APP_MODE"] == "databricks"
