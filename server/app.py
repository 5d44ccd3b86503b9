"""The app factory. `create_app(settings)` builds everything; nothing is built at import time."""

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from server.api.error_handlers import register_error_handlers
from server.api.middleware import RequestContextMiddleware
from server.api.openapi import install_openapi
from server.api.routes import health, model_serving, preferences, sql, unity_catalog, user
from server.api.static import mount_client
from server.bootstrap import Backends, build_backends
from server.config import Settings
from server.observability.telemetry import configure_telemetry, instrument_app


def operation_id(route: APIRoute) -> str:
    """Stable operation ids (tag + function name) so the generated client has stable names."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}_{route.name}".replace("-", "_")


def create_app(settings: Settings, backends: Backends | None = None) -> FastAPI:
    """Build the FastAPI app for these settings; with `backends` (prepared by the caller, e.g. on
    the unit tier's fakes) the app uses them instead of building its own from the settings."""
    configure_telemetry()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Blocking calls (DuckDB, the Databricks SDK, model scoring) run on the loop's default
        # executor; its default size (CPUs + 4) would queue concurrent users behind each other
        # while they only wait on a warehouse.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(settings.blocking_threads, thread_name_prefix="blocking")
        )
        if backends is not None:
            app.state.backends = backends
            yield
            return
        async with build_backends(settings) as built:
            app.state.backends = built
            yield

    app = FastAPI(
        title="Databricks App Template",
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    register_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_request_body_bytes)
    for router in (
        health.router,
        user.router,
        unity_catalog.router,
        preferences.router,
        model_serving.router,
        sql.router,
    ):
        app.include_router(router)
    install_openapi(app)
    mount_client(app, settings.static_dir)
    instrument_app(app)
    return app


def worker_app() -> FastAPI:
    """The app, with settings from the environment, for processes uvicorn starts itself: each
    worker of `python -m server` with WEB_CONCURRENCY > 1, and `make dev`'s reloader."""
    from server.native_threads import one_native_thread_per_call
    from server.observability.logging import configure_logging

    one_native_thread_per_call()  # `make dev`'s reloader starts here, not in `python -m server`
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
