"""Settings → backends. The only module that chooses between local and databricks adapters."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from server.adapters.identity.base import IdentityProvider
from server.config import Settings
from server.services.unity_catalog import UnityCatalogService

logger = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[str]]


@dataclass
class Backends:
    """Everything the routes need, built once per app."""

    mode: str
    identity: IdentityProvider
    unity_catalog: UnityCatalogService
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)


async def _build_local(settings: Settings, stack: AsyncExitStack) -> Backends:
    from server.adapters.identity.local import LocalIdentityProvider
    from server.adapters.unity_catalog.local import LocalCatalogReader
    from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
    from server.local_workspace.grants import Grants
    from server.local_workspace.setup import catalog_dir, ensure_catalogs

    grants = Grants.from_file(settings.local_grants_file)
    identity = LocalIdentityProvider(
        settings.dev_user_email, settings.dev_user_name, grants.groups_of
    )
    await asyncio.to_thread(ensure_catalogs, settings.local_workspace_dir)
    conn = open_catalog_connection(catalog_dir(settings.local_workspace_dir), read_only=True)
    stack.callback(conn.close)
    reader = LocalCatalogReader(LocalCatalog(conn), grants)
    return Backends(
        mode="local",
        identity=identity,
        unity_catalog=UnityCatalogService(reader, settings.uc_statement_timeout_seconds),
        health_checks={"unity_catalog": reader.check},
    )


async def _build_databricks(settings: Settings, stack: AsyncExitStack) -> Backends:
    from server.adapters.identity.databricks import DatabricksIdentityProvider
    from server.adapters.unity_catalog.databricks import DatabricksCatalogReader
    from server.adapters.workspace import WorkspaceClients

    clients = await asyncio.to_thread(WorkspaceClients, settings)

    async def workspace_check() -> str:
        me = await asyncio.to_thread(clients.service_principal.current_user.me)
        return f"{clients.host} as {me.user_name}"

    try:
        logger.info("workspace identity", extra={"workspace": await workspace_check()})
    except Exception as exc:
        logger.warning(
            "workspace not reachable at start-up", extra={"error_type": type(exc).__name__}
        )
    reader = DatabricksCatalogReader(
        clients,
        settings.databricks_warehouse_id or "",
        settings.uc_statement_timeout_seconds,
        settings.uc_warehouse_start_timeout_seconds,
    )
    return Backends(
        mode="databricks",
        identity=DatabricksIdentityProvider(clients),
        unity_catalog=UnityCatalogService(
            reader,
            settings.uc_statement_timeout_seconds + settings.uc_warehouse_start_timeout_seconds,
        ),
        health_checks={"workspace": workspace_check, "unity_catalog": reader.check},
    )


@asynccontextmanager
async def build_backends(settings: Settings) -> AsyncIterator[Backends]:
    """Build the adapters for the configured mode and close them on exit."""
    async with AsyncExitStack() as stack:
        if settings.mode == "databricks":
            yield await _build_databricks(settings, stack)
        else:
            yield await _build_local(settings, stack)
