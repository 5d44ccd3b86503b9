"""Offline validation of databricks.yml and app.yaml (scripts/validate_bundle.py)."""

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import validate_bundle

FIXTURES = Path(__file__).parent / "bundle_fixtures"
REPO = Path(__file__).parents[2]
BUNDLE: dict[str, Any] = yaml.safe_load((FIXTURES / "databricks.yml").read_text())
APP_YAML: dict[str, Any] = yaml.safe_load((FIXTURES / "app.yaml").read_text())

Edit = Callable[[dict[str, Any]], object]


def app(doc: dict[str, Any]) -> dict[str, Any]:
    """The app of a bundle document."""
    result: dict[str, Any] = doc["resources"]["apps"]["app"]
    return result


def app_resource(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """One resource of the bundle's app, by its key."""
    return next(r for r in app(doc)["resources"] if r["name"] == name)


def warehouse(doc: dict[str, Any]) -> dict[str, Any]:
    """The bundle's SQL warehouse."""
    result: dict[str, Any] = doc["resources"]["sql_warehouses"]["app_warehouse"]
    return result


def run(tmp_path: Path, bundle: Any = None, app_yaml: Any = None) -> tuple[list[str], str]:
    """Validate the fixture files, with `bundle` or `app_yaml` in place of one of them."""
    bundle_path = tmp_path / "databricks.yml"
    app_path = tmp_path / "app.yaml"
    bundle_path.write_text(bundle if isinstance(bundle, str) else yaml.safe_dump(bundle or BUNDLE))
    app_path.write_text(
        app_yaml if isinstance(app_yaml, str) else yaml.safe_dump(app_yaml or APP_YAML)
    )
    return validate_bundle.validate(bundle_path, app_path)


def broken(edit: Edit, doc: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `doc` with `edit` applied."""
    copied = copy.deepcopy(doc)
    edit(copied)
    return copied


def test_fixture_files_pass(tmp_path: Path) -> None:
    problems, summary = run(tmp_path)
    assert problems == []
    assert "targets dev, prod" in summary


def test_repository_files_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code = validate_bundle.main(
        ["--bundle", str(REPO / "databricks.yml"), "--app", str(REPO / "app.yaml")]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    assert len(out) == 1
    assert out[0].startswith("bundle valid:")


BUNDLE_CASES: list[tuple[str, Edit, str]] = [
    (
        "unknown field in an app resource",
        lambda d: app_resource(d, "sql-warehouse")["sql_warehouse"].update(warehouse_id="x"),
        "resources.apps.app.resources[0].sql_warehouse.warehouse_id: unknown field 'warehouse_id'",
    ),
    (
        "unknown top-level key",
        lambda d: d.update(resource={}),
        "resource: unknown field 'resource'",
    ),
    (
        "unknown resource type",
        lambda d: d["resources"].update(postgres_project={"p": {"project_id": "p"}}),
        "resources.postgres_project: unknown field 'postgres_project'",
    ),
    (
        "missing required endpoint_type",
        lambda d: d["resources"]["postgres_endpoints"]["primary"].pop("endpoint_type"),
        "resources.postgres_endpoints.primary: missing required field 'endpoint_type'",
    ),
    (
        "missing required branch_id",
        lambda d: d["resources"]["postgres_branches"]["main"].pop("branch_id"),
        "resources.postgres_branches.main: missing required field 'branch_id'",
    ),
    (
        "postgres app resource without a database",
        lambda d: app_resource(d, "postgres")["postgres"].pop("database"),
        "resources.apps.app.resources[1].postgres: missing required field 'database'",
    ),
    (
        "bad warehouse_type",
        lambda d: warehouse(d).update(warehouse_type="SERVERLESS"),
        "warehouse_type: 'SERVERLESS' is not one of TYPE_UNSPECIFIED, CLASSIC, PRO",
    ),
    (
        "bad cluster_size",
        lambda d: warehouse(d).update(cluster_size="XXS"),
        "cluster_size: 'XXS' is not one of 2X-Small",
    ),
    (
        "bad endpoint_type",
        lambda d: d["resources"]["postgres_endpoints"]["primary"].update(
            endpoint_type="READ_WRITE"
        ),
        "endpoint_type: 'READ_WRITE' is not one of ENDPOINT_TYPE_READ_WRITE",
    ),
    (
        "bad warehouse permission level",
        lambda d: warehouse(d)["permissions"][0].update(level="CAN_QUERY"),
        "sql_warehouses.app_warehouse.permissions[0].level: 'CAN_QUERY' is not one of CAN_MANAGE",
    ),
    (
        "bad app permission level",
        lambda d: app(d)["permissions"][1].update(level="CAN_VIEW"),
        "apps.app.permissions[1].level: 'CAN_VIEW' is not one of CAN_MANAGE, CAN_USE",
    ),
    (
        "bad sql_warehouse app-resource permission",
        lambda d: app_resource(d, "sql-warehouse")["sql_warehouse"].update(permission="CAN_QUERY"),
        "sql_warehouse.permission: 'CAN_QUERY' is not one of CAN_MANAGE, CAN_USE, IS_OWNER",
    ),
    (
        "bad postgres app-resource permission",
        lambda d: app_resource(d, "postgres")["postgres"].update(permission="CAN_USE"),
        "postgres.permission: 'CAN_USE' is not one of CAN_CONNECT_AND_CREATE",
    ),
    (
        "permission naming two principals",
        lambda d: warehouse(d)["permissions"][0].update(user_name="a@example.com"),
        "permissions[0]: exactly one of user_name / group_name / service_principal_name is "
        "required (found: user_name, group_name)",
    ),
    (
        "permission naming no principal",
        lambda d: app(d)["permissions"].append({"level": "CAN_USE"}),
        "apps.app.permissions[2]: exactly one of user_name / group_name / service_principal_name",
    ),
    (
        "dangling variable",
        lambda d: app_resource(d, "serving-endpoint")["serving_endpoint"].update(
            name="${var.endpoint}"
        ),
        "serving_endpoint.name: ${var.endpoint} names no declared variable",
    ),
    (
        "dangling resource key",
        lambda d: app_resource(d, "postgres")["postgres"].update(
            branch="${resources.postgres_branches.dev.id}"
        ),
        "postgres.branch: ${resources.postgres_branches.dev.id} no resource 'dev' is declared "
        "under resources.postgres_branches",
    ),
    (
        "dangling resource type",
        lambda d: app_resource(d, "sql-warehouse")["sql_warehouse"].update(
            id="${resources.warehouses.app_warehouse.id}"
        ),
        "no resource 'app_warehouse' is declared under resources.warehouses",
    ),
    (
        "reference to a field resources do not have",
        lambda d: app_resource(d, "sql-warehouse")["sql_warehouse"].update(
            id="${resources.sql_warehouses.app_warehouse.warehouse_id}"
        ),
        "resources.sql_warehouses have no field 'warehouse_id'",
    ),
    (
        "unknown bundle value",
        lambda d: app(d).update(name="app-${bundle.environment_name}"),
        "apps.app.name: ${bundle.environment_name} names no bundle value",
    ),
    (
        "unknown reference root",
        lambda d: app(d).update(name="app-${target}"),
        "${target} unknown reference root 'target'",
    ),
    (
        "bad target mode",
        lambda d: d["targets"]["prod"].update(mode="staging"),
        "targets.prod.mode: 'staging' is not one of development, production",
    ),
    (
        "two default targets",
        lambda d: d["targets"]["prod"].update(default=True),
        "targets: more than one default target: dev, prod",
    ),
    (
        "undeclared target variable",
        lambda d: d["targets"]["prod"].update(variables={"user_group": "x"}),
        "targets.prod.variables.user_group: variable 'user_group' is not declared",
    ),
    (
        "variable without a value",
        lambda d: d["variables"]["admins_group"].pop("default"),
        "variables.admins_group: no value",
    ),
    (
        "undocumented user_api_scope",
        lambda d: app(d)["user_api_scopes"].append("serving-endpoints"),
        "user_api_scopes[5]: 'serving-endpoints' is not a documented Databricks Apps user "
        "authorization scope",
    ),
    (
        "app resource with two kinds",
        lambda d: app_resource(d, "postgres").update(
            sql_warehouse={"id": "abc", "permission": "CAN_USE"}
        ),
        "resources[1]: exactly one of sql_warehouse / serving_endpoint / database / postgres",
    ),
    (
        "app resource without a name",
        lambda d: app_resource(d, "serving-endpoint").pop("name"),
        "apps.app.resources[2]: missing required field 'name'",
    ),
    (
        "app resource name used twice",
        lambda d: app_resource(d, "serving-endpoint").update(name="postgres"),
        "resources[2].name: app resource name 'postgres' is used twice",
    ),
    (
        "serverless CLASSIC warehouse",
        lambda d: warehouse(d).update(warehouse_type="CLASSIC"),
        "warehouse_type: serverless compute needs warehouse_type PRO",
    ),
    (
        "serverless warehouse without a type",
        lambda d: warehouse(d).pop("warehouse_type"),
        "app_warehouse.warehouse_type: serverless compute needs warehouse_type PRO",
    ),
    (
        "branch parent that is not a project name",
        lambda d: d["resources"]["postgres_branches"]["main"].update(parent="app-template"),
        "postgres_branches.main.parent: 'app-template' is not a project resource name",
    ),
    (
        "literal postgres branch that is not a branch name",
        lambda d: app_resource(d, "postgres")["postgres"].update(branch="main"),
        "postgres.branch: 'main' is not a branch resource name",
    ),
    (
        "duration without a unit",
        lambda d: d["resources"]["postgres_projects"]["app_lakebase"][
            "default_endpoint_settings"
        ].update(suspend_timeout_duration="5m"),
        "suspend_timeout_duration: expected a duration such as \"300s\", found '5m'",
    ),
    (
        "wrong scalar type",
        lambda d: warehouse(d).update(auto_stop_mins="ten"),
        "auto_stop_mins: expected an integer, found 'ten'",
    ),
    (
        "Provisioned capacity out of range",
        lambda d: d["resources"].update(
            database_instances={"db": {"name": "db", "capacity": "CU_3"}}
        ),
        "database_instances.db.capacity: 'CU_3' is not one of CU_1, CU_2, CU_4, CU_8",
    ),
    (
        "branch without an expiration policy",
        lambda d: d["resources"]["postgres_branches"]["main"].pop("no_expiry"),
        "postgres_branches.main: exactly one of no_expiry / ttl / expire_time is required",
    ),
    (
        "branch with no_expiry false",
        lambda d: d["resources"]["postgres_branches"]["main"].update(no_expiry=False),
        "postgres_branches.main.no_expiry: false is invalid",
    ),
    (
        "endpoint id with capitals",
        lambda d: d["resources"]["postgres_endpoints"]["primary"].update(endpoint_id="Primary"),
        "postgres_endpoints.primary.endpoint_id: 'Primary' must be 1-63 lowercase letters",
    ),
    (
        "compute units below the minimum",
        lambda d: d["resources"]["postgres_endpoints"]["primary"].update(
            autoscaling_limit_min_cu=0.25
        ),
        "postgres_endpoints.primary.autoscaling_limit_min_cu: 0.25 is outside 0.5..64",
    ),
    (
        "compute unit range wider than 16",
        lambda d: d["resources"]["postgres_endpoints"]["primary"].update(
            autoscaling_limit_max_cu=32
        ),
        "postgres_endpoints.primary: autoscaling_limit_max_cu - autoscaling_limit_min_cu must "
        "lie in 0..16",
    ),
    (
        "suspend timeout under a minute",
        lambda d: d["resources"]["postgres_projects"]["app_lakebase"][
            "default_endpoint_settings"
        ].update(suspend_timeout_duration="30s"),
        "default_endpoint_settings.suspend_timeout_duration: '30s' is outside 60..604800",
    ),
    (
        "suspend timeout with no_suspension",
        lambda d: d["resources"]["postgres_projects"]["app_lakebase"][
            "default_endpoint_settings"
        ].update(no_suspension=True),
        "default_endpoint_settings: no_suspension and suspend_timeout_duration exclude each other",
    ),
    (
        "history retention of one day",
        lambda d: d["resources"]["postgres_projects"]["app_lakebase"].update(
            history_retention_duration="86400s"
        ),
        "history_retention_duration: '86400s' is outside 172800..3024000",
    ),
    (
        "variable that is not a mapping",
        lambda d: d["variables"].update(region="eu"),
        "variables.region: expected a mapping, found 'eu'",
    ),
    (
        "missing bundle name",
        lambda d: d["bundle"].pop("name"),
        "bundle: missing required field 'name'",
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [pytest.param(edit, expected, id=name) for name, edit, expected in BUNDLE_CASES],
)
def test_broken_bundle_fails_naming_the_problem(tmp_path: Path, edit: Edit, expected: str) -> None:
    problems, _ = run(tmp_path, bundle=broken(edit, BUNDLE))
    assert problems, "a broken bundle passed"
    assert all(p.startswith(f"{tmp_path / 'databricks.yml'}: ") for p in problems)
    assert any(expected in p for p in problems), problems


def test_problem_in_one_target_names_the_target(tmp_path: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["targets"]["prod"]["resources"] = {"apps": {"app": {"description": "${var.prod_only}"}}}

    problems, _ = run(tmp_path, bundle=broken(edit, BUNDLE))
    assert problems == [
        f"{tmp_path / 'databricks.yml'}: resources.apps.app.description: ${{var.prod_only}} "
        "names no declared variable (target prod)"
    ]


def test_target_override_supplies_a_required_value(tmp_path: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["variables"]["admins_group"].pop("default")
        doc["targets"]["dev"]["variables"] = {"admins_group": "dev-admins"}

    problems, _ = run(tmp_path, bundle=broken(edit, BUNDLE))
    assert problems == [
        f"{tmp_path / 'databricks.yml'}: variables.admins_group: no value "
        "(no default, lookup or target value) (target prod)"
    ]


def test_repeated_yaml_key_fails(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "databricks.yml")
        .read_text()
        .replace(
            "      warehouse_type: PRO\n",
            "      warehouse_type: PRO\n      warehouse_type: CLASSIC\n",
        )
    )
    problems, _ = run(tmp_path, bundle=text)
    assert len(problems) == 1
    assert "key 'warehouse_type' appears twice in one mapping" in problems[0]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("bundle: &b {name: x, self: *b}\n", id="recursive alias"),
        pytest.param(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                for p, n in zip("abcdef", "bcdefg", strict=True)
            ),
            id="alias bomb",
        ),
    ],
)
def test_expanding_yaml_fails(tmp_path: Path, text: str) -> None:
    problems, _ = run(tmp_path, bundle=text)
    assert len(problems) == 1
    assert "once aliases are expanded" in problems[0]


def test_binary_file_fails(tmp_path: Path) -> None:
    (tmp_path / "databricks.yml").write_bytes(b"\xff\xfe\x00bundle")
    problems, _ = validate_bundle.validate(tmp_path / "databricks.yml", FIXTURES / "app.yaml")
    assert len(problems) == 1
    assert "cannot read" in problems[0]


def test_invalid_yaml_fails(tmp_path: Path) -> None:
    problems, _ = run(tmp_path, bundle="bundle: [unclosed\n")
    assert len(problems) == 1
    assert "not valid YAML" in problems[0]


APP_CASES: list[tuple[str, Edit, str]] = [
    (
        "valueFrom to an undeclared resource",
        lambda d: d["env"].append({"name": "PGHOST", "valueFrom": "database"}),
        "env[4].valueFrom: 'database' is not the name of an app resource in the bundle",
    ),
    (
        "both value and valueFrom",
        lambda d: d["env"][0].update(valueFrom="postgres"),
        "env[0]: exactly one of value / valueFrom is required (found: value, valueFrom)",
    ),
    (
        "neither value nor valueFrom",
        lambda d: d["env"][0].pop("value"),
        "env[0]: exactly one of value / valueFrom is required (found: none)",
    ),
    (
        "snake-case value_from",
        lambda d: d["env"].append({"name": "X", "value_from": "postgres"}),
        "env[4].value_from: unknown field 'value_from'",
    ),
    (
        "env entry without a name",
        lambda d: d["env"][0].pop("name"),
        "env[0]: missing name",
    ),
    (
        "non-string value",
        lambda d: d["env"].append({"name": "PORT", "value": 8000}),
        "env[4].value: expected a string, found 8000",
    ),
    (
        "variable set twice",
        lambda d: d["env"].append({"name": "APP_MODE", "value": "local"}),
        "env: 'APP_MODE' is set more than once",
    ),
    (
        "command as one string",
        lambda d: d.update(command="python -m server"),
        "command: expected a non-empty list of strings, found 'python -m server'",
    ),
    (
        "unknown top-level key",
        lambda d: d.update(environment=[]),
        "environment: unknown field 'environment'",
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [pytest.param(edit, expected, id=name) for name, edit, expected in APP_CASES],
)
def test_broken_app_yaml_fails_naming_the_problem(
    tmp_path: Path, edit: Edit, expected: str
) -> None:
    problems, _ = run(tmp_path, app_yaml=broken(edit, APP_YAML))
    assert problems, "a broken app.yaml passed"
    assert all(p.startswith(f"{tmp_path / 'app.yaml'}: ") for p in problems)
    assert any(expected in p for p in problems), problems


def test_value_from_missing_in_one_target_names_it(tmp_path: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["targets"]["prod"]["resources"] = {
            "apps": {"app": {"resources": [{"name": "extra", "app": {"name": "other"}}]}}
        }

    app_yaml = broken(lambda d: d["env"].append({"name": "X", "valueFrom": "extra"}), APP_YAML)
    problems, _ = run(tmp_path, bundle=broken(edit, BUNDLE), app_yaml=app_yaml)
    assert problems == [
        f"{tmp_path / 'app.yaml'}: env[4].valueFrom: 'extra' is not the name of an app "
        "resource in the bundle (target dev)"
    ]


def test_main_prints_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "databricks.yml").write_text(
        yaml.safe_dump(broken(lambda d: warehouse(d).update(cluster_size="Tiny"), BUNDLE))
    )
    app_yaml = broken(lambda d: d["env"][1].update(valueFrom="warehouse"), APP_YAML)
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(app_yaml))
    code = validate_bundle.main(
        ["--bundle", str(tmp_path / "databricks.yml"), "--app", str(tmp_path / "app.yaml")]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert len(out) == 2
    assert out[0].startswith(f"{tmp_path / 'databricks.yml'}: ")
    assert "cluster_size: 'Tiny'" in out[0]
    assert out[1].startswith(f"{tmp_path / 'app.yaml'}: env[1].valueFrom: 'warehouse'")


def test_missing_file_fails(tmp_path: Path) -> None:
    problems, _ = validate_bundle.validate(tmp_path / "nope.yml", FIXTURES / "app.yaml")
    assert len(problems) == 1
    assert "cannot read" in problems[0]
