"""The emulator ASGI app, built over the same local workspace the local adapters use."""

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from emulator import auth, errors, lakebase, serving, sql, unity_catalog
from emulator.acl import AccessControl
from emulator.bundle import Bundle
from emulator.lakebase_proxy import LakebaseLoginProxy
from emulator.postgres_cluster import PostgresCluster
from emulator.provision import Workspace, deploy
from emulator.serve import free_port
from emulator.state import EmulatorState, Principal
from emulator.workspace import EmulatorWorkspace
from server.config import Settings
from server.local_workspace.grants import Grants
from server.local_workspace.serving import LocalServing
from server.local_workspace.setup import catalog_dir


class UserTokenRequest(BaseModel):
    user: str
    display_name: str | None = None
    lifetime_seconds: int | None = None
    scopes: list[str] | None = None


def _default_serving_access(app: FastAPI) -> None:
    # Every workspace user may query the pre-existing endpoints (as with the pay-per-token
    # foundation model endpoints); the app's service principal gets only what its app resources
    # give it.
    for endpoint in app.state.serving.endpoints():
        app.state.acl.grant("serving-endpoints", endpoint.name, "users", "CAN_QUERY")


def emulator_workspace(app: FastAPI) -> Workspace:
    """The parts of the emulator a deploy changes."""
    return Workspace(
        app.state.emulator,
        app.state.workspace,
        app.state.lakebase,
        app.state.acl,
        app.state.grants,
        app.state.serving,
    )


def create_emulator(
    settings: Settings,
    lakebase_port: int,
    state: EmulatorState | None = None,
    bundle: Bundle | None = None,
) -> FastAPI:
    """An emulator over the local workspace of `settings` (a copy of its catalogs, its models) and
    a PostgreSQL cluster on `lakebase_port`, with `bundle` deployed (app.state.deployment).

    `state` lets tests reach its controls. Call `close_emulator(app)` when done.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A warehouse runs many statements at once: do not queue them behind CPUs + 4 threads.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(32, thread_name_prefix="emulator")
        )
        yield
        close_emulator(app)

    app = FastAPI(title="Databricks REST emulator", openapi_url=None, lifespan=lifespan)
    app.state.emulator = state or EmulatorState()
    app.state.grants = Grants.from_file(settings.local_grants_file)
    app.state.workspace = EmulatorWorkspace(catalog_dir(settings.local_workspace_dir))
    app.state.serving = LocalServing(settings.serving_config_file, settings.local_workspace_dir)
    app.state.serving_controls = serving.ServingControls()
    app.state.acl = AccessControl()
    _default_serving_access(app)
    cluster = PostgresCluster(free_port())
    cluster.init()
    cluster.start()
    cluster.create_database(lakebase.DATABASE)
    app.state.lakebase = lakebase.Lakebase(cluster)
    # Clients log in through the proxy, which accepts every unexpired credential of a role.
    app.state.lakebase_proxy = LakebaseLoginProxy(
        cluster.socket_dir, cluster.port, app.state.lakebase.check_login
    )
    app.state.lakebase.port = app.state.lakebase_proxy.start(lakebase_port)
    app.state.deployment = deploy(emulator_workspace(app), bundle) if bundle else None
    app.add_exception_handler(errors.DatabricksError, errors.handle_databricks_error)
    app.add_exception_handler(HTTPException, errors.handle_http_error)
    app.add_exception_handler(RequestValidationError, errors.handle_validation_error)
    for router in (auth.router, unity_catalog.router, sql.router, lakebase.router, serving.router):
        app.include_router(router)

    @app.post("/emulator/tokens")
    async def issue_user_token(body: UserTokenRequest) -> dict[str, Any]:
        """Test control: a user access token, as the Apps proxy forwards in X-Forwarded-Access-Token."""
        principal = Principal(body.user, body.display_name or body.user.split("@")[0])
        scopes = frozenset(body.scopes) if body.scopes is not None else None
        token, lifetime = app.state.emulator.issue_user_token(
            principal, body.lifetime_seconds, scopes
        )
        return {"access_token": token, "expires_in": lifetime}

    return app


def close_emulator(app: FastAPI) -> None:
    """Stop the PostgreSQL cluster and remove the catalog copy."""
    app.state.lakebase_proxy.stop()
    app.state.lakebase.cluster.remove()
    app.state.workspace.close()
