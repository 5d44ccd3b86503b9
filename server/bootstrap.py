"""Settings → backends. The only module that chooses between local and databricks adapters."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from server.adapters.identity.base import IdentityProvider
from server.adapters.model_serving.base import ModelServer
from server.adapters.unity_catalog.base import CatalogReader
from server.config import Settings
from server.db.engine import Database
from server.db.open import open_database
from server.db.repositories import InferenceLogRepository, PreferenceRepository
from server.services.model_chat import ModelChatService
from server.services.model_serving import ModelServingService
from server.services.preferences import PreferencesService
from server.services.unity_catalog import UnityCatalogService

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
    database: Database | None = None
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)


@dataclass
class ModeAdapters:
    """The parts that differ between modes."""

    identity: IdentityProvider
    catalog: CatalogReader
    models: ModelServer
    uc_timeout_seconds: float
    workspace_client: "WorkspaceClient | None" = None
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)


_background: set["asyncio.Task[None]"] = set()


def _log_warm_failure(task: "asyncio.Task[None]") -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("could not preload local models", exc_info=task.exception())


async def _local_adapters(settings: Settings, stack: AsyncExitStack) -> ModeAdapters:
    import httpx

    from server.adapters.identity.local import LocalIdentityProvider
    from server.adapters.model_serving.local import LocalModelServer
    from server.adapters.unity_catalog.local import LocalCatalogReader
    from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
    from server.local_workspace.grants import Grants
    from server.local_workspace.serving import LocalServing
    from server.local_workspace.setup import catalog_dir, ensure_models

    grants = Grants.from_file(settings.local_grants_file)
    await asyncio.to_thread(ensure_models, settings.local_workspace_dir)
    conn = open_catalog_connection(catalog_dir(settings.local_workspace_dir), read_only=True)
    stack.callback(conn.close)
    reader = LocalCatalogReader(LocalCatalog(conn), grants)
    serving = LocalServing(settings.serving_config_file, settings.local_workspace_dir)
    http = httpx.AsyncClient()
    stack.push_async_callback(http.aclose)
    warming = asyncio.create_task(asyncio.to_thread(serving.warm))
    _background.add(warming)
    warming.add_done_callback(_log_warm_failure)
    return ModeAdapters(
        identity=LocalIdentityProvider(
            settings.dev_user_email, settings.dev_user_name, grants.groups_of
        ),
        catalog=reader,
        models=LocalModelServer(serving, http),
        uc_timeout_seconds=settings.uc_statement_timeout_seconds,
    )


async def _databricks_adapters(settings: Settings, stack: AsyncExitStack) -> ModeAdapters:
    import httpx

    from server.adapters.identity.databricks import DatabricksIdentityProvider
    from server.adapters.model_serving.databricks import DatabricksModelServer
    from server.adapters.unity_catalog.databricks import DatabricksCatalogReader
    from server.adapters.workspace import WorkspaceClients

    clients = await asyncio.to_thread(WorkspaceClients, settings)
    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=50, max_keepalive_connections=20))
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
        uc_timeout_seconds=settings.uc_statement_timeout_seconds
        + settings.uc_warehouse_start_timeout_seconds,
        workspace_client=clients.service_principal,
        health_checks={"workspace": workspace_check},
    )


async def _database(settings: Settings, adapters: ModeAdapters, stack: AsyncExitStack) -> Database:
    database = await asyncio.to_thread(open_database, settings, adapters.workspace_client)
    stack.callback(database.engine.dispose)
    if settings.db_run_migrations:
        try:
            await asyncio.to_thread(database.migrate)
        except Exception as exc:
            logger.warning(
                "migrations deferred: database not reachable at start-up",
                extra={"error_type": type(exc).__name__},
            )
    return database


@asynccontextmanager
async def build_backends(settings: Settings) -> AsyncIterator[Backends]:
    """Build the adapters for the configured mode and close them on exit."""
    async with AsyncExitStack() as stack:
        if settings.mode == "databricks":
            adapters = await _databricks_adapters(settings, stack)
        else:
            adapters = await _local_adapters(settings, stack)
        database = await _database(settings, adapters, stack)

        async def lakebase_check() -> str:
            return await asyncio.to_thread(database.check)

        yield Backends(
            mode=settings.mode,
            identity=adapters.identity,
            unity_catalog=UnityCatalogService(adapters.catalog, adapters.uc_timeout_seconds),
            preferences=PreferencesService(PreferenceRepository(database)),
            model_serving=ModelServingService(adapters.models, InferenceLogRepository(database)),
            model_chat=ModelChatService(adapters.models, InferenceLogRepository(database)),
            database=database,
            health_checks={
                **adapters.health_checks,
                "unity_catalog": adapters.catalog.check,
                "model_serving": adapters.models.check,
                "lakebase": lakebase_check,
            },
        )
