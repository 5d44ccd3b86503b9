"""Unity Catalog routes: browse catalogs, schemas and tables; read one page of a table."""

from typing import Annotated

from fastapi import APIRouter, Query

from server.api.deps import CurrentUser, UnityCatalog
from server.api.openapi import errors
from server.api.responses import ModelResponse
from server.errors import (
    CatalogPermissionDenied,
    DatabaseUnavailable,
    InvalidQuery,
    PermissionDenied,
    TableNotFound,
)
from server.models.unity_catalog import DataSource, Identifier, QueryRequest, QueryResult

# What the catalog backends map workspace answers to (server/adapters/unity_catalog/).
router = APIRouter(
    prefix="/api/unity-catalog",
    tags=["unity_catalog"],
    responses=errors(
        InvalidQuery, PermissionDenied, CatalogPermissionDenied, TableNotFound, DatabaseUnavailable
    ),
)
CatalogParam = Annotated[Identifier, Query(description="Catalog name")]
SchemaParam = Annotated[Identifier, Query(description="Schema name")]


@router.get("/catalogs")
async def list_catalogs(user: CurrentUser, uc: UnityCatalog) -> list[str]:
    """Catalog names the caller may use."""
    return await uc.catalogs(user)


@router.get("/schemas")
async def list_schemas(user: CurrentUser, uc: UnityCatalog, catalog: CatalogParam) -> list[str]:
    """Schema names in a catalog."""
    return await uc.schemas(user, catalog)


@router.get("/table-names")
async def list_table_names(
    user: CurrentUser, uc: UnityCatalog, catalog: CatalogParam, schema: SchemaParam
) -> list[str]:
    """Table names in a schema."""
    return await uc.table_names(user, catalog, schema)


@router.get("/tables")
async def list_tables(
    user: CurrentUser, uc: UnityCatalog, catalog: CatalogParam, schema: SchemaParam
) -> list[DataSource]:
    """Tables in a schema with columns, owner, access level and row counts."""
    return await uc.tables(user, catalog, schema)


@router.post("/query", response_model=QueryResult)
async def query_table(user: CurrentUser, uc: UnityCatalog, request: QueryRequest) -> ModelResponse:
    """One page of a table (limit 1-1000, offset), with optional equality filters and order.
    Later pages are read from the first page's result: send its `query_id`."""
    return ModelResponse(await uc.query(user, request))
