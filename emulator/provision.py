"""Provision the emulator from a bundle, as `databricks bundle deploy` provisions a workspace, and
compute the environment Databricks Apps gives the deployed app.

What a deploy creates and grants (Databricks docs "Databricks Apps resources", "Add a Lakebase
resource to a Databricks app", "Add a SQL warehouse resource", "Configure authorization in a
Databricks app", "Databricks Apps environment variables"):
- each `sql_warehouses` resource, with its `permissions`;
- each `postgres_projects` / `postgres_branches` / `postgres_endpoints` resource;
- for each app resource, the app's service principal gets the resource's permission: CAN_USE on a
  warehouse, CAN_QUERY on a serving endpoint, and, for a `postgres` database, a Postgres role
  with CONNECT and CREATE; a resource naming something that does not exist fails the deploy;
- user tokens forwarded to the app carry the app's `user_api_scopes` plus the default scopes;
- Lakebase Provisioned `database_instances` can no longer be created: since 2026-03-12 new
  Lakebase databases are Autoscaling projects (docs "Update your bundle to use Autoscaling
  resources").
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.acl import AccessControl, ObjectType
from emulator.bundle import Bundle, BundleError, substitute
from emulator.lakebase import DATABASE, Lakebase
from emulator.scopes import user_token_scopes
from emulator.state import EmulatorState
from emulator.workspace import EmulatorWorkspace, Warehouse
from server.local_workspace.grants import Grants
from server.local_workspace.serving import LocalServing


@dataclass
class Deployment:
    """What a deploy produced: each resource's fields by `type.key`, and the app's bindings."""

    app_name: str
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    app_resources: dict[str, str] = field(default_factory=dict)
    user_api_scopes: list[str] = field(default_factory=list)


@dataclass
class Workspace:
    """The emulator parts a deploy touches."""

    state: EmulatorState
    workspace: EmulatorWorkspace
    lakebase: Lakebase
    acl: AccessControl
    grants: Grants
    serving: LocalServing


def _warehouse_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def _permission_principal(entry: dict[str, Any]) -> str:
    names = [entry.get(k) for k in ("user_name", "group_name", "service_principal_name")]
    given = [n for n in names if n]
    if len(given) != 1:
        raise BundleError(f"a permission needs exactly one principal: {entry}")
    return str(given[0])


def _grant_permissions(
    ws: Workspace, object_type: ObjectType, object_id: str, entries: list[dict[str, Any]]
) -> None:
    for entry in entries:
        try:
            ws.acl.grant(object_type, object_id, _permission_principal(entry), entry["level"])
        except (KeyError, ValueError) as exc:
            raise BundleError(f"bad permission on {object_type} {object_id}: {exc}") from exc


def _create_warehouses(ws: Workspace, bundle: Bundle, deployment: Deployment) -> None:
    for key, spec in bundle.resources.get("sql_warehouses", {}).items():
        warehouse_id = _warehouse_id(str(spec["name"]))
        ws.workspace.warehouses[warehouse_id] = Warehouse(warehouse_id, str(spec["name"]))
        _grant_permissions(ws, "warehouses", warehouse_id, spec.get("permissions", []))
        deployment.resources[f"sql_warehouses.{key}"] = {"id": warehouse_id, **spec}


def _create_postgres(ws: Workspace, bundle: Bundle, deployment: Deployment) -> None:
    if bundle.resources.get("database_instances"):
        raise BundleError(
            "database_instances: new Lakebase Provisioned instances cannot be created; use "
            "postgres_projects, postgres_branches and postgres_endpoints (Lakebase Autoscaling)"
        )
    lookup = _resource_lookup(deployment)
    for key, spec in bundle.resources.get("postgres_projects", {}).items():
        name = ws.lakebase.create_project(str(spec["project_id"]), spec)
        deployment.resources[f"postgres_projects.{key}"] = {"id": name, "name": name, **spec}
    for key, raw in bundle.resources.get("postgres_branches", {}).items():
        spec = substitute(raw, lookup)
        name = ws.lakebase.create_branch(str(spec["parent"]), str(spec["branch_id"]), spec)
        deployment.resources[f"postgres_branches.{key}"] = {"id": name, "name": name, **spec}
    for key, raw in bundle.resources.get("postgres_endpoints", {}).items():
        spec = substitute(raw, lookup)
        name = ws.lakebase.create_endpoint(
            str(spec["parent"]), str(spec["endpoint_id"]), str(spec["endpoint_type"])
        )
        deployment.resources[f"postgres_endpoints.{key}"] = {"id": name, "name": name, **spec}


def _resource_lookup(deployment: Deployment) -> Callable[[str], Any]:
    def lookup(path: str) -> Any:
        parts = path.split(".")
        if len(parts) != 4 or parts[0] != "resources":
            raise BundleError(f"cannot resolve ${{{path}}}")
        fields = deployment.resources.get(f"{parts[1]}.{parts[2]}")
        if fields is None or parts[3] not in fields:
            raise BundleError(f"reference to a resource or field that does not exist: ${{{path}}}")
        return fields[parts[3]]

    return lookup


def _bind_warehouse(ws: Workspace, spec: dict[str, Any]) -> str:
    warehouse_id = str(spec["id"])
    if warehouse_id not in ws.workspace.warehouses:
        raise BundleError(f"app resource: SQL warehouse {warehouse_id} does not exist")
    ws.acl.grant("warehouses", warehouse_id, ws.state.sp_client_id, spec["permission"])
    return warehouse_id


def _bind_serving_endpoint(ws: Workspace, spec: dict[str, Any]) -> str:
    name = str(spec["name"])
    if ws.serving.endpoint(name) is None:
        raise BundleError(f"app resource: serving endpoint {name} does not exist")
    ws.acl.grant("serving-endpoints", name, ws.state.sp_client_id, spec["permission"])
    return name


def _bind_postgres(ws: Workspace, spec: dict[str, Any]) -> str:
    branch = str(spec.get("branch", ""))
    if branch not in ws.lakebase.branches:
        raise BundleError(f"app resource: Lakebase branch {branch} does not exist")
    database = str(spec.get("database", ""))
    if database and database != f"{branch}/databases/{DATABASE.replace('_', '-')}":
        raise BundleError(f"app resource: Lakebase database {database} does not exist")
    endpoint = ws.lakebase.read_write_endpoint(branch)
    if endpoint is None:
        raise BundleError(f"app resource: branch {branch} has no read-write endpoint")
    ws.lakebase.create_role(ws.state.sp_client_id)
    return endpoint


_BINDERS: dict[str, Callable[[Workspace, dict[str, Any]], str]] = {
    "sql_warehouse": _bind_warehouse,
    "serving_endpoint": _bind_serving_endpoint,
    "postgres": _bind_postgres,
}


def _bind_app(ws: Workspace, app: dict[str, Any], deployment: Deployment) -> None:
    for resource in app.get("resources", []):
        kinds = [k for k in resource if k in _BINDERS or k in ("database", "secret", "job")]
        if len(kinds) != 1 or kinds[0] not in _BINDERS:
            raise BundleError(f"app resource {resource.get('name')}: unsupported kind {kinds}")
        value = _BINDERS[kinds[0]](ws, resource[kinds[0]])
        deployment.app_resources[str(resource["name"])] = value


def deploy(ws: Workspace, bundle: Bundle) -> Deployment:
    """Create the bundle's resources and bind its app; BundleError when a deploy would fail."""
    _, raw_app = bundle.only_app()
    deployment = Deployment(app_name=str(raw_app["name"]))
    _create_warehouses(ws, bundle, deployment)
    _create_postgres(ws, bundle, deployment)
    app = substitute(raw_app, _resource_lookup(deployment))
    ws.grants.add_service_principal(ws.state.sp_client_id)
    _bind_app(ws, app, deployment)
    deployment.user_api_scopes = list(app.get("user_api_scopes", []))
    ws.state.user_token_scopes = user_token_scopes(deployment.user_api_scopes)
    return deployment


def app_environment(
    deployment: Deployment, app_yaml: dict[str, Any], host: str, ws: Workspace, port: int
) -> dict[str, str]:
    """The environment Databricks Apps starts the app with: the platform's variables, the PG*
    variables of its database resource, and `app.yaml`'s `env` (`valueFrom` resolved)."""
    env = {
        "DATABRICKS_HOST": host,
        "DATABRICKS_CLIENT_ID": ws.state.sp_client_id,
        "DATABRICKS_CLIENT_SECRET": ws.state.sp_client_secret,
        "DATABRICKS_APP_NAME": deployment.app_name,
        "DATABRICKS_APP_PORT": str(port),
        "DATABRICKS_WORKSPACE_ID": ws.state.workspace_id,
    }
    if any(v in ws.lakebase.endpoints for v in deployment.app_resources.values()):
        env |= {
            "PGHOST": ws.lakebase.host,
            "PGPORT": str(ws.lakebase.port),
            "PGDATABASE": DATABASE,
            "PGUSER": ws.state.sp_client_id,
            "PGSSLMODE": "require",
            "PGAPPNAME": deployment.app_name,
        }
    for entry in app_yaml.get("env", []):
        if "valueFrom" in entry:
            key = str(entry["valueFrom"])
            if key not in deployment.app_resources:
                raise BundleError(f"app.yaml: valueFrom {key} names no app resource")
            env[str(entry["name"])] = deployment.app_resources[key]
        else:
            env[str(entry["name"])] = str(entry["value"])
    return env
