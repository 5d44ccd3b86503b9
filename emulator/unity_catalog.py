"""UC metadata: catalogs, schemas, tables (list with pagination, get, exists), filtered by grants."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from emulator import scopes
from emulator.auth import Caller, require_scope
from emulator.errors import DatabricksError, not_found, permission_denied
from emulator.workspace import EmulatorWorkspace
from server.local_workspace.grants import Grants, Privilege
from server.models.catalog import TableMeta

router = APIRouter(prefix="/api/2.1/unity-catalog")


def get_workspace(request: Request) -> EmulatorWorkspace:
    """The emulator's catalog copy."""
    workspace: EmulatorWorkspace = request.app.state.workspace
    return workspace


def get_grants(request: Request) -> Grants:
    """The local grants."""
    grants: Grants = request.app.state.grants
    return grants


WorkspaceDep = Annotated[EmulatorWorkspace, Depends(get_workspace)]
GrantsDep = Annotated[Grants, Depends(get_grants)]


def paginate(
    workspace: EmulatorWorkspace,
    key: str,
    items: list[dict[str, Any]],
    token: str | None,
    max_results: int | None,
) -> dict[str, Any]:
    """Server-side pages of min(max_results, server size) (0 = server size); with
    `uc_empty_pages` an empty page precedes each real one."""
    controls = workspace.controls
    if max_results is not None and max_results < 0:
        raise DatabricksError(400, "INVALID_PARAMETER_VALUE", "max_results must not be negative.")
    size = min(max_results or controls.uc_page_size, controls.uc_page_size)
    token = token or "0"
    if controls.uc_empty_pages and not token.endswith("!"):
        return {key: [], "next_page_token": token + "!"}
    start = int(token.rstrip("!"))
    end = start + size
    body: dict[str, Any] = {key: items[start:end]}
    if end < len(items):
        body["next_page_token"] = str(end)
    return body


def table_info(meta: TableMeta) -> dict[str, Any]:
    """A UC TableInfo for a local table."""
    properties = (
        {} if meta.row_count is None else {"spark.sql.statistics.numRows": str(meta.row_count)}
    )
    return {
        "name": meta.name,
        "catalog_name": meta.catalog,
        "schema_name": meta.schema,
        "full_name": meta.full_name,
        "table_type": "MANAGED",
        "data_source_format": "DELTA",
        "owner": meta.owner,
        "comment": meta.comment,
        "properties": properties,
        "columns": [
            {
                "name": c.name,
                "type_name": c.type_name,
                "type_text": c.type_text,
                "position": c.position,
                "nullable": c.nullable,
                "comment": c.comment,
            }
            for c in meta.columns
        ],
    }


@router.get("/catalogs", dependencies=[require_scope(scopes.CATALOGS)])
async def list_catalogs(
    principal: Caller,
    workspace: WorkspaceDep,
    grants: GrantsDep,
    page_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    names = [c for c in workspace.catalog.catalogs() if grants.can_use_catalog(principal.name, c)]
    items = [
        {
            "name": n,
            "full_name": n,
            "catalog_type": "MANAGED_CATALOG",
            "securable_type": "CATALOG",
            "owner": "system",
        }
        for n in names
    ]
    return paginate(workspace, "catalogs", items, page_token, max_results)


@router.get("/schemas", dependencies=[require_scope(scopes.SCHEMAS)])
async def list_schemas(
    principal: Caller,
    workspace: WorkspaceDep,
    grants: GrantsDep,
    catalog_name: Annotated[str, Query()],
    page_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    if catalog_name not in workspace.catalog.catalogs():
        raise not_found(f"Catalog '{catalog_name}' does not exist.")
    if not grants.can_use_catalog(principal.name, catalog_name):
        raise permission_denied(f"User does not have USE CATALOG on Catalog '{catalog_name}'.")
    names = [
        s
        for s in workspace.catalog.schemas(catalog_name)
        if grants.can_use_schema(principal.name, catalog_name, s)
    ]
    items = [
        {
            "name": s,
            "catalog_name": catalog_name,
            "full_name": f"{catalog_name}.{s}",
            "owner": "system",
        }
        for s in names
    ]
    return paginate(workspace, "schemas", items, page_token, max_results)


@router.get("/tables", dependencies=[require_scope(scopes.TABLES)])
async def list_tables(
    principal: Caller,
    workspace: WorkspaceDep,
    grants: GrantsDep,
    catalog_name: Annotated[str, Query()],
    schema_name: Annotated[str, Query()],
    page_token: str | None = None,
    max_results: int | None = None,
) -> dict[str, Any]:
    if not grants.can_use_schema(principal.name, catalog_name, schema_name):
        raise permission_denied(f"User does not have USE SCHEMA on '{catalog_name}.{schema_name}'.")
    metas = [
        m
        for m in workspace.catalog.tables(catalog_name, schema_name)
        if grants.can_select(principal.name, catalog_name, schema_name, m.name)
    ]
    return paginate(workspace, "tables", [table_info(m) for m in metas], page_token, max_results)


def _readable_table(
    principal_name: str, workspace: EmulatorWorkspace, grants: Grants, full_name: str
) -> TableMeta:
    parts = full_name.split(".")
    if len(parts) != 3:
        raise DatabricksError(400, "INVALID_PARAMETER_VALUE", f"Invalid table name '{full_name}'.")
    meta = workspace.catalog.table(*parts)
    if meta is None:
        raise not_found(f"Table '{full_name}' does not exist.")
    if not grants.can_select(principal_name, *parts):
        raise permission_denied(f"User does not have SELECT on Table '{full_name}'.")
    return meta


@router.get("/tables/{full_name}/exists", dependencies=[require_scope(scopes.TABLES)])
async def table_exists(
    full_name: str, principal: Caller, workspace: WorkspaceDep, grants: GrantsDep
) -> dict[str, Any]:
    try:
        _readable_table(principal.name, workspace, grants, full_name)
    except DatabricksError as exc:
        if exc.status == 404:
            return {"table_exists": False}
        raise
    return {"table_exists": True}


@router.get("/tables/{full_name}", dependencies=[require_scope(scopes.TABLES)])
async def get_table(
    full_name: str, principal: Caller, workspace: WorkspaceDep, grants: GrantsDep
) -> dict[str, Any]:
    return table_info(_readable_table(principal.name, workspace, grants, full_name))


class PermissionsChangeItem(BaseModel):
    principal: str
    add: list[str] = []
    remove: list[str] = []


class UpdatePermissionsRequest(BaseModel):
    changes: list[PermissionsChangeItem] = []


_PRIVILEGES: dict[str, Privilege] = {
    "USE_CATALOG": "USE_CATALOG",
    "USE_SCHEMA": "USE_SCHEMA",
    "SELECT": "SELECT",
    "ALL_PRIVILEGES": "ALL_PRIVILEGES",
}


@router.patch("/permissions/{securable_type}/{full_name}")
async def update_permissions(
    securable_type: str,
    full_name: str,
    body: UpdatePermissionsRequest,
    principal: Caller,
    grants: GrantsDep,
) -> dict[str, Any]:
    """GRANT / REVOKE (`w.grants.update`): metastore admins only in the emulator."""
    if "admins" not in grants.groups_of(principal.name):
        raise permission_denied(f"User does not have MANAGE on {securable_type} '{full_name}'.")
    for change in body.changes:
        for name in change.add + change.remove:
            if name not in _PRIVILEGES:
                raise DatabricksError(400, "INVALID_PARAMETER_VALUE", f"Unknown privilege {name}.")
        for name in change.add:
            grants.grant(change.principal, _PRIVILEGES[name], full_name)
        for name in change.remove:
            grants.revoke(change.principal, _PRIVILEGES[name], full_name)
    return {"privilege_assignments": []}
