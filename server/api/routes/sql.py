"""SQL statements routes: run one read-only Databricks SQL statement, page, cancel, export."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse

from server.api.deps import CurrentUser, SavedQueries, SqlStatements
from server.api.openapi import errors
from server.errors import (
    CatalogPermissionDenied,
    DatabaseUnavailable,
    InvalidQuery,
    PermissionDenied,
    SavedQueryNotFound,
    StatementNotFound,
    TableNotFound,
)
from server.models.sql_statements import (
    MAX_PAGE_ROWS,
    QueryHistoryEntry,
    SavedQuery,
    SavedQueryCreate,
    StatementRequest,
    StatementResult,
    StatementRows,
)

router = APIRouter(prefix="/api/sql", tags=["sql"])


_STATEMENT_ERRORS = errors(
    InvalidQuery, CatalogPermissionDenied, PermissionDenied, TableNotFound, DatabaseUnavailable
)
_READ_ERRORS = errors(InvalidQuery, StatementNotFound)
_LAKEBASE_ERRORS = errors(DatabaseUnavailable)


@router.post("/statements", responses=_STATEMENT_ERRORS)
async def execute_statement(
    user: CurrentUser, sql: SqlStatements, request: StatementRequest
) -> StatementResult:
    """Run one read-only statement; answers with the first page, or its state if still running."""
    return await sql.execute(user, request)


@router.get("/statements/{statement_id}", responses=_READ_ERRORS)
async def get_statement(
    user: CurrentUser,
    sql: SqlStatements,
    statement_id: str,
    page_size: Annotated[int, Query(ge=0, le=MAX_PAGE_ROWS)] = 100,
) -> StatementResult:
    """The caller's statement: state, and the first page once it succeeded."""
    return sql.get(user, statement_id, page_size)


@router.get("/statements/{statement_id}/rows", responses=_READ_ERRORS)
async def get_statement_rows(
    user: CurrentUser,
    sql: SqlStatements,
    statement_id: str,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS)] = 100,
) -> StatementRows:
    """Another page of a finished statement's result (it is not run again)."""
    return sql.rows(user, statement_id, offset, limit)


@router.post("/statements/{statement_id}/cancel", responses=errors(StatementNotFound))
async def cancel_statement(
    user: CurrentUser, sql: SqlStatements, statement_id: str
) -> StatementResult:
    """Stop the caller's running statement."""
    return await sql.cancel(user, statement_id)


@router.get(
    "/statements/{statement_id}/export",
    responses={
        **_READ_ERRORS,
        200: {"content": {"text/csv": {}}, "description": "The result as CSV"},
    },
    response_class=StreamingResponse,
)
async def export_statement(
    user: CurrentUser,
    sql: SqlStatements,
    statement_id: str,
    format: Annotated[str, Query(pattern="^csv$")] = "csv",
) -> StreamingResponse:
    """The whole result as CSV, streamed."""
    batches = sql.export_csv(user, statement_id)
    return StreamingResponse(
        batches,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{statement_id}.csv"'},
    )


@router.get("/queries", responses=_LAKEBASE_ERRORS)
async def list_saved_queries(user: CurrentUser, queries: SavedQueries) -> list[SavedQuery]:
    """The caller's saved queries."""
    return await queries.saved(user)


@router.post(
    "/queries",
    responses=_LAKEBASE_ERRORS,
)
async def save_query(
    user: CurrentUser, queries: SavedQueries, body: SavedQueryCreate
) -> SavedQuery:
    """Save a query (name, text, chart settings); a query of the same name is replaced."""
    return await queries.save(user, body)


@router.delete(
    "/queries/{query_id}",
    status_code=204,
    response_class=Response,
    responses=errors(DatabaseUnavailable, SavedQueryNotFound),
)
async def delete_saved_query(
    user: CurrentUser,
    queries: SavedQueries,
    query_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
) -> Response:
    """Delete one of the caller's saved queries."""
    await queries.delete(user, query_id)
    return Response(status_code=204)


@router.get("/history", responses=_LAKEBASE_ERRORS)
async def list_query_history(user: CurrentUser, queries: SavedQueries) -> list[QueryHistoryEntry]:
    """The caller's last 50 statements, newest first."""
    return await queries.history(user)
