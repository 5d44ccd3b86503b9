"""Settings → backends. The only module that chooses between local and databricks adapters."""

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from server.adapters.identity.base import IdentityProvider
from server.adapters.model_serving.base import ModelServer
from server.adapters.sql.base import SqlEngine
from server.adapters.unity_catalog.base import CatalogReader
from server.config import Settings
from server.db.engine import Database
from server.db.open import open_database
from server.db.repositories import InferenceLogRepository, PreferenceRepository
from server.db.sql_repositories import QueryHistoryRepository, SavedQueryRepository
from server.observability.telemetry import instrument_engine, instrument_http_client
from server.services.model_chat import ModelChatService
from server.services.model_serving import ModelServingService
from server.services.preferences import PreferencesService
from server.services.saved_queries import SavedQueriesService
from server.services.sql_statements import SqlStatementsService
from server.services.statement_results import StatementResults
from server.services.unity_catalog import ResultLimits, UnityCatalogService

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

logger = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[str]]


@dataclass
class Backends:
    """Everything the routes need, built once per app."""

    mode: str
    identity: IdentityProvider
    unity_catalog: UnityCatalogService
    preferences: PreferencesService
    model_serving: ModelServingService
    model_chat: ModelChatService
    sql_statements: SqlStatementsService
    saved_queries: SavedQueriesService
    database: Database | None = None
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)


@dataclass
class ModeAdapters:
    """The parts that differ between modes."""

    identity: IdentityProvider
    catalog: CatalogReader
    models: ModelServer
    sql: SqlEngine
    uc_timeout_seconds: float
    workspace_client: "WorkspaceClient | None" = None
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)


def _warm_in_background(warm: Callable[[], None]) -> None:
    """Preload the local models on a daemon thread: a process asked to stop does not wait for it
    (a thread of the default executor would hold the exit until every model is loaded)."""

    def run() -> None:
        try:
            warm()
        except Exception as error:
            logger.warning("could not preload local models", exc_info=error)

    threading.Thread(target=run, name="warm-local-models", daemon=True).start()


async def _local_adapters(settings: Settings, stack: AsyncExitStack) -> ModeAdapters:
    import httpx

    from server.adapters.identity.local import LocalIdentityProvider
    from server.adapters.model_serving.local import LocalModelServer
    from server.adapters.sql.local import LocalSqlEngine
    from server.adapters.unity_catalog.local import LocalCatalogReader
    from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
    from server.local_workspace.grants import Grants
    from server.local_workspace.result_tables import ResultTables
    from server.local_workspace.serving import LocalServing
    from server.local_workspace.setup import catalog_dir, ensure_models

    grants = Grants.from_file(settings.local_grants_file)
    await asyncio.to_thread(ensure_models, settings.local_workspace_dir)
    conn = open_catalog_connection(catalog_dir(settings.local_workspace_dir), read_only=True)
    stack.callback(conn.close)
    results = ResultTables.open(catalog_dir(settings.local_workspace_dir))
    stack.callback(results.close)
    catalog = LocalCatalog(conn)
    reader = LocalCatalogReader(catalog, grants, results)
    serving = LocalServing(settings.serving_config_file, settings.local_workspace_dir)
    http = httpx.AsyncClient()
    stack.push_async_callback(http.aclose)
    _warm_in_background(serving.warm)
    return ModeAdapters(
        identity=LocalIdentityProvider(
            settings.dev_user_email, settings.dev_user_name, grants.groups_of
        ),
        catalog=reader,
        models=LocalModelServer(serving, http),
        sql=LocalSqlEngine(catalog, grants),
        uc_timeout_seconds=settings.uc_statement_timeout_seconds,
    )


async def _databricks_adapters(settings: Settings, stack: AsyncExitStack) -> ModeAdapters:
    import httpx

    from server.adapters.identity.databricks import DatabricksIdentityProvider
    from server.adapters.model_serving.databricks import DatabricksModelServer
    from server.adapters.sql.databricks import DatabricksSqlEngine
    from server.adapters.unity_catalog.databricks import DatabricksCatalogReader
    from server.adapters.workspace import WorkspaceClients

    clients = await asyncio.to_thread(WorkspaceClients, settings)
    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=50, max_keepalive_connections=20))
    instrument_http_client(http)
    stack.push_async_callback(http.aclose)

    async def workspace_check() -> str:
        me = await asyncio.to_thread(clients.service_principal.current_user.me)
        return f"{clients.host} as {me.user_name}"

    try:
        logger.info("workspace identity", extra={"workspace": await workspace_check()})
    except Exception as exc:
        logger.warning(
            "workspace not reachable at start-up", extra={"error_type": type(exc).__name__}
        )
    return ModeAdapters(
        identity=DatabricksIdentityProvider(clients),
        catalog=DatabricksCatalogReader(
            clients,
            settings.databricks_warehouse_id or "",
            settings.uc_statement_timeout_seconds,
            settings.uc_warehouse_start_timeout_seconds,
        ),
        models=DatabricksModelServer(
            clients,
            http,
            settings.serving_config_file.parent,
            settings.serving_max_attempts,
            settings.serving_backoff_base_seconds,
        ),
        sql=DatabricksSqlEngine(clients, settings.databricks_warehouse_id or ""),
        uc_timeout_seconds=settings.uc_statement_timeout_seconds
        + settings.uc_warehouse_start_timeout_seconds,
        workspace_client=clients.service_principal,
        health_checks={"workspace": workspace_check},
    )


async def _database(settings: Settings, adapters: ModeAdapters, stack: AsyncExitStack) -> Database:
    database = await asyncio.to_thread(open_database, settings, adapters.workspace_client)
    stack.callback(database.close)
    instrument_engine(database.engine)
    if settings.db_run_migrations:
        try:
            await asyncio.to_thread(database.migrate)
        except Exception as exc:
            logger.warning(
                "migrations deferred: database not reachable at start-up",
                extra={"error_type": type(exc).__name__},
            )
    return database


def prepare_shared_files(settings: Settings) -> None:
    """Build what the worker processes share on disk before they start, so they do not build it
    at once: the local workspace's sample catalogs and models (nothing when present, nothing in
    databricks mode)."""
    if settings.mode == "local":
        from server.local_workspace.setup import ensure_models

        ensure_models(settings.local_workspace_dir)


@asynccontextmanager
async def build_backends(settings: Settings) -> AsyncIterator[Backends]:
    """Build the adapters for the configured mode and close them on exit."""
    async with AsyncExitStack() as stack:
        if settings.mode == "databricks":
            adapters = await _databricks_adapters(settings, stack)
        else:
            adapters = await _local_adapters(settings, stack)
        database = await _database(settings, adapters, stack)

        unity_catalog = UnityCatalogService(
            adapters.catalog,
            adapters.uc_timeout_seconds,
            ResultLimits(
                row_limit=settings.uc_result_row_limit,
                cache_bytes=settings.uc_result_cache_bytes,
                ttl_seconds=settings.uc_result_ttl_seconds,
            ),
        )
        stack.callback(unity_catalog.close)

        async def lakebase_check() -> str:
            return await asyncio.to_thread(database.check)

        saved_queries = SavedQueriesService(
            SavedQueryRepository(database), QueryHistoryRepository(database)
        )
        yield Backends(
            mode=settings.mode,
            identity=adapters.identity,
            unity_catalog=unity_catalog,
            preferences=PreferencesService(PreferenceRepository(database)),
            model_serving=ModelServingService(adapters.models, InferenceLogRepository(database)),
            model_chat=ModelChatService(adapters.models, InferenceLogRepository(database)),
            sql_statements=SqlStatementsService(
                adapters.sql,
                StatementResults(settings.sql_results_max_bytes, settings.sql_results_ttl_seconds),
                saved_queries.record,
            ),
            saved_queries=saved_queries,
            database=database,
            health_checks={
                **adapters.health_checks,
                "unity_catalog": adapters.catalog.check,
                "model_serving": adapters.models.check,
                "lakebase": lakebase_check,
            },
        )
