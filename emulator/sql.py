"""Statement Execution API 2.0 and SQL warehouses, over the emulator's DuckDB catalog copy.

A statement runs at submission; its outcome is revealed after the injected latency, and after a
stopped warehouse has been started. Execution failures are HTTP 200 with state FAILED, as on
Databricks. The result is kept and served in chunks (`chunk_rows` rows each) until it is closed
`result_ttl_seconds` after it succeeded; then its state is CLOSED and its chunks cannot be fetched
("CLOSED: execution successful, and statement closed; result no longer available for fetch",
https://docs.databricks.com/api/workspace/statementexecution/getstatement).
"""

import asyncio
import re
import time
from typing import Any

import duckdb
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from emulator import scopes
from emulator.auth import Caller, principal_names, require_level, require_scope
from emulator.errors import DatabricksError, bad_request, not_found
from emulator.state import Principal
from emulator.unity_catalog import GrantsDep, WorkspaceDep
from emulator.workspace import EmulatorWorkspace, StatementRecord, Warehouse
from server.adapters.identity.base import User
from server.adapters.sql.base import StatementCanceled, StatementRun
from server.adapters.sql.local import LocalSqlEngine
from server.adapters.sql.text import ReadStatement, parse_read_statement
from server.errors import AppError, CatalogPermissionDenied, InvalidQuery
from server.local_workspace.grants import Grants
from server.local_workspace.values import wire_string
from server.models.sql import Parameter

router = APIRouter(prefix="/api/2.0/sql", dependencies=[require_scope(scopes.SQL)])
_WAIT = re.compile(r"^(\d+)s$")
# "If a given statement produces a result set with a size larger than 25 MiB, that statement
# execution is aborted, and no result set will be available"; `row_limit` and `byte_limit` cut the
# result first and set `truncated`:
# https://docs.databricks.com/api/workspace/statementexecution/executestatement
INLINE_LIMIT_BYTES = 25 * 1024 * 1024

_reads: set["asyncio.Task[None]"] = set()


class ParameterItem(BaseModel):
    name: str
    value: str | None = None
    type: str | None = None


class ExecuteRequest(BaseModel):
    statement: str
    warehouse_id: str
    parameters: list[ParameterItem] = []
    wait_timeout: str = "10s"
    on_wait_timeout: str = "CONTINUE"
    disposition: str = "INLINE"
    format: str = "JSON_ARRAY"
    catalog: str | None = None
    schema_: str | None = None
    row_limit: int | None = Field(default=None, ge=1)
    byte_limit: int | None = Field(default=None, ge=1)


def _warehouse(workspace: EmulatorWorkspace, warehouse_id: str) -> Warehouse:
    warehouse = workspace.warehouses.get(warehouse_id)
    if warehouse is None:
        raise not_found(f"SQL warehouse '{warehouse_id}' does not exist.")
    return warehouse


def _read_statement(sql: str) -> ReadStatement | None:
    try:
        return parse_read_statement(sql)
    except InvalidQuery:
        return None


def _warehouse_error(exc: AppError) -> dict[str, str]:
    """A refusal worded as a warehouse words it (error classes in brackets)."""
    details = exc.technical_details
    if isinstance(exc, CatalogPermissionDenied) and "table" in details:
        name = f"{details['catalog']}.{details['schema']}.{details['table']}"
        message = f"[INSUFFICIENT_PERMISSIONS] User does not have SELECT on Table '{name}'."
        return {"error_code": "PERMISSION_DENIED", "message": message}
    return {"error_code": "BAD_REQUEST", "message": exc.message}


def _columns(result_columns: list[Any]) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "position": c.position, "type_name": c.type_name, "type_text": c.type_text}
        for c in result_columns
    ]


async def _run_read(
    workspace: EmulatorWorkspace,
    grants: Grants,
    principal: Principal,
    record: StatementRecord,
    statement: ReadStatement,
    body: ExecuteRequest,
) -> None:
    """A read runs like on a warehouse: SELECT needed on every table the plan reads (views,
    CTEs and subqueries resolved by the engine's binder), file and catalog functions refused."""
    engine = LocalSqlEngine(workspace.catalog, grants, wire_string)
    caller = User(principal.name, principal.name, principal.name)
    params = [Parameter(p.name, p.value, p.type or "STRING") for p in body.parameters]
    limit = body.row_limit or 10_000_000
    try:
        run = await engine.start(caller, statement, params, limit)
    except AppError as exc:
        record.error = _warehouse_error(exc)
        return
    record.run = run
    record.finished = False
    task = asyncio.create_task(_finish_read(record, run, body.byte_limit))
    _reads.add(task)
    task.add_done_callback(_reads.discard)


async def _finish_read(record: StatementRecord, run: StatementRun, byte_limit: int | None) -> None:
    try:
        result = await run.result()
    except StatementCanceled:
        record.canceled = True
    except AppError as exc:
        record.error = _warehouse_error(exc)
    else:
        record.columns = _columns(result.columns)
        _keep_result(record, result.rows, result.truncated, byte_limit)
    finally:
        record.finished = True


def _run_write(
    workspace: EmulatorWorkspace,
    grants: Grants,
    principal: Principal,
    record: StatementRecord,
    body: ExecuteRequest,
) -> None:
    if "admins" not in grants.groups_of(principal.name):
        record.error = {
            "error_code": "PERMISSION_DENIED",
            "message": "[INSUFFICIENT_PERMISSIONS] Only owners may modify tables.",
        }
        return
    params = [Parameter(p.name, p.value, p.type or "STRING") for p in body.parameters]
    try:
        result = workspace.catalog.execute(body.statement, params)
    except duckdb.CatalogException as exc:
        code = "TABLE_OR_VIEW_NOT_FOUND" if "does not exist" in str(exc) else "BAD_REQUEST"
        record.error = {"error_code": "BAD_REQUEST", "message": f"[{code}] {exc}"}
        return
    except (duckdb.Error, ValueError) as exc:
        record.error = {"error_code": "BAD_REQUEST", "message": str(exc).splitlines()[0]}
        return
    record.columns = _columns(result.columns)
    rows = result.rows[: body.row_limit] if body.row_limit else result.rows
    wire = [[wire_string(v) for v in row] for row in rows]
    _keep_result(record, wire, len(rows) < len(result.rows), body.byte_limit)


def _keep_result(
    record: StatementRecord, rows: list[list[str | None]], truncated: bool, byte_limit: int | None
) -> None:
    """Keep the result as a warehouse does: cut at `byte_limit` (and say so), or abort an INLINE
    result over 25 MiB when no byte limit was asked for."""
    record.rows, within = _within_bytes(rows, byte_limit or INLINE_LIMIT_BYTES)
    record.truncated = truncated or (byte_limit is not None and not within)
    if not within and byte_limit is None:
        record.rows = []
        record.error = {
            "error_code": "BAD_REQUEST",
            "message": "The INLINE result is larger than 25 MiB, so the statement was aborted. "
            "Set row_limit or byte_limit, or use disposition EXTERNAL_LINKS.",
        }


def _within_bytes(rows: list[list[str | None]], limit: int) -> tuple[list[list[str | None]], bool]:
    """Rows up to `limit` bytes of JSON (approximately), and whether every row fitted."""
    kept: list[list[str | None]] = []
    size = 0
    for row in rows:
        size += sum(4 if v is None else len(v) + 3 for v in row) + 2
        if size > limit:
            return kept, False
        kept.append(row)
    return kept, True


def _state(workspace: EmulatorWorkspace, record: StatementRecord) -> str:
    if record.canceled:
        return "CANCELED"
    if workspace.warehouse_state(workspace.warehouses[record.warehouse_id]) != "RUNNING":
        return "PENDING"
    now = time.time()
    if now < record.ready_at or not record.finished:
        return "RUNNING"
    if record.error:
        return "FAILED"
    if now >= record.ready_at + workspace.controls.result_ttl_seconds:
        record.rows = []  # closed: the result is gone
        return "CLOSED"
    return "SUCCEEDED"


def _pause(record: StatementRecord, deadline: float) -> float:
    """How long a waiting execute sleeps: until the result is due once the engine has finished
    (injected latency), else a short poll; never past the wait timeout."""
    now = time.time()
    due = record.ready_at if record.finished and now < record.ready_at else now + 0.01
    return max(0.0, min(due, deadline) - now)


def _chunk(workspace: EmulatorWorkspace, record: StatementRecord, index: int) -> dict[str, Any]:
    if _state(workspace, record) != "SUCCEEDED":
        raise bad_request(
            f"Statement '{record.id}' is {_state(workspace, record)}: no result to fetch."
        )
    size = workspace.controls.chunk_rows
    count = max(1, -(-len(record.rows) // size))
    if index >= count:
        raise bad_request(f"Chunk index {index} is out of range.")
    rows = record.rows[index * size : (index + 1) * size]
    chunk: dict[str, Any] = {
        "chunk_index": index,
        "row_offset": index * size,
        "row_count": len(rows),
        "data_array": rows,
    }
    if index + 1 < count:
        chunk["next_chunk_index"] = index + 1
        chunk["next_chunk_internal_link"] = (
            f"/api/2.0/sql/statements/{record.id}/result/chunks/{index + 1}"
        )
    return chunk


def _response(workspace: EmulatorWorkspace, record: StatementRecord) -> dict[str, Any]:
    state = _state(workspace, record)
    body: dict[str, Any] = {"statement_id": record.id, "status": {"state": state}}
    if state == "FAILED":
        body["status"]["error"] = record.error
    if state != "SUCCEEDED":
        return body
    size = workspace.controls.chunk_rows
    chunks = max(1, -(-len(record.rows) // size))
    body["manifest"] = {
        "format": "JSON_ARRAY",
        "schema": {"column_count": len(record.columns), "columns": record.columns},
        "total_chunk_count": chunks,
        "total_row_count": len(record.rows),
        "truncated": record.truncated,
        "chunks": [
            {
                "chunk_index": i,
                "row_offset": i * size,
                "row_count": len(record.rows[i * size : (i + 1) * size]),
            }
            for i in range(chunks)
        ],
    }
    body["result"] = _chunk(workspace, record, 0)
    return body


def _record(workspace: EmulatorWorkspace, statement_id: str) -> StatementRecord:
    record = workspace.statements.get(statement_id)
    if record is None:
        raise not_found(f"Statement '{statement_id}' does not exist.")
    return record


def _take_unavailable(workspace: EmulatorWorkspace) -> None:
    with workspace.lock:
        if workspace.controls.unavailable_responses <= 0:
            return
        workspace.controls.unavailable_responses -= 1
    raise DatabricksError(503, "TEMPORARILY_UNAVAILABLE", "The SQL warehouse is overloaded.")


@router.post("/statements")
async def execute_statement(
    body: ExecuteRequest,
    request: Request,
    principal: Caller,
    workspace: WorkspaceDep,
    grants: GrantsDep,
) -> dict[str, Any]:
    _take_unavailable(workspace)
    _warehouse(workspace, body.warehouse_id)
    require_level(request, principal, "warehouses", body.warehouse_id, "CAN_USE")
    if body.disposition != "INLINE" or body.format != "JSON_ARRAY":
        raise bad_request("The emulator answers disposition INLINE with format JSON_ARRAY only.")
    wait = _WAIT.match(body.wait_timeout)
    if wait is None or not (int(wait.group(1)) == 0 or 5 <= int(wait.group(1)) <= 50):
        raise bad_request("wait_timeout must be 0s or between 5s and 50s.")
    now = time.time()
    record = StatementRecord(
        workspace.new_statement_id(),
        body.warehouse_id,
        ready_at=now + workspace.controls.latency_seconds,
    )
    statement = _read_statement(body.statement)
    if statement is not None:
        await _run_read(workspace, grants, principal, record, statement, body)
    else:
        await asyncio.to_thread(_run_write, workspace, grants, principal, record, body)
    workspace.statements[record.id] = record
    deadline = now + int(wait.group(1))
    while _state(workspace, record) in ("PENDING", "RUNNING") and time.time() < deadline:
        await asyncio.sleep(_pause(record, deadline))
    if _state(workspace, record) in ("PENDING", "RUNNING") and body.on_wait_timeout == "CANCEL":
        record.canceled = True
    return _response(workspace, record)


@router.get("/statements/{statement_id}")
async def get_statement(
    statement_id: str, principal: Caller, workspace: WorkspaceDep
) -> dict[str, Any]:
    _take_unavailable(workspace)
    return _response(workspace, _record(workspace, statement_id))


@router.get("/statements/{statement_id}/result/chunks/{chunk_index}")
async def get_chunk(
    statement_id: str, chunk_index: int, principal: Caller, workspace: WorkspaceDep
) -> dict[str, Any]:
    return _chunk(workspace, _record(workspace, statement_id), chunk_index)


@router.post("/statements/{statement_id}/cancel")
async def cancel(statement_id: str, principal: Caller, workspace: WorkspaceDep) -> dict[str, Any]:
    record = _record(workspace, statement_id)
    if _state(workspace, record) in ("PENDING", "RUNNING"):
        record.canceled = True
        if record.run is not None:
            await record.run.cancel()
    return {}


def _warehouse_info(workspace: EmulatorWorkspace, warehouse: Warehouse) -> dict[str, Any]:
    return {
        "id": warehouse.id,
        "name": warehouse.name,
        "state": workspace.warehouse_state(warehouse),
        "cluster_size": "2X-Small",
        "warehouse_type": "PRO",
        "enable_serverless_compute": True,
        "auto_stop_mins": 10,
        "num_clusters": 1,
        "odbc_params": {
            "hostname": "127.0.0.1",
            "path": f"/sql/1.0/warehouses/{warehouse.id}",
            "port": 443,
            "protocol": "https",
        },
    }


@router.get("/warehouses")
async def list_warehouses(
    request: Request, principal: Caller, workspace: WorkspaceDep
) -> dict[str, Any]:
    names = principal_names(request, principal)
    visible = [
        w
        for w in workspace.warehouses.values()
        if request.app.state.acl.allows("warehouses", w.id, names, "CAN_VIEW")
    ]
    return {"warehouses": [_warehouse_info(workspace, w) for w in visible]}


@router.get("/warehouses/{warehouse_id}")
async def get_warehouse(
    warehouse_id: str, request: Request, principal: Caller, workspace: WorkspaceDep
) -> dict[str, Any]:
    warehouse = _warehouse(workspace, warehouse_id)
    require_level(request, principal, "warehouses", warehouse_id, "CAN_VIEW")
    return _warehouse_info(workspace, warehouse)


@router.post("/warehouses/{warehouse_id}/start")
async def start_warehouse(
    warehouse_id: str, request: Request, principal: Caller, workspace: WorkspaceDep
) -> dict[str, Any]:
    warehouse = _warehouse(workspace, warehouse_id)
    require_level(request, principal, "warehouses", warehouse_id, "CAN_USE")
    if workspace.warehouse_state(warehouse) in ("STOPPED", "STOPPING"):
        warehouse.state = "STARTING"
        warehouse.running_at = time.time() + workspace.controls.warehouse_start_seconds
    return {}


@router.post("/warehouses/{warehouse_id}/stop")
async def stop_warehouse(
    warehouse_id: str, request: Request, principal: Caller, workspace: WorkspaceDep
) -> dict[str, Any]:
    warehouse = _warehouse(workspace, warehouse_id)
    require_level(request, principal, "warehouses", warehouse_id, "CAN_MANAGE")
    warehouse.state = "STOPPED"
    return {}
