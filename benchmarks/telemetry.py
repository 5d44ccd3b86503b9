"""The cost of OpenTelemetry when nothing is exported (no OTEL_* variables, the default): the app
built with OTEL_SDK_DISABLED=true (no instrumentation at all) against the default app (a server
span per request, trace ids in every JSON log line), both logging to /dev/null."""

import asyncio
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from benchmarks.stats import Report, interleaved
from server.app import create_app
from server.config import PROJECT_ROOT, Settings
from server.observability.logging import configure_logging

REQUESTS = 300
HEADERS = {"X-Forwarded-Email": "alice@example.com"}


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _app(settings: Settings, telemetry: bool) -> FastAPI:
    if telemetry:
        return create_app(settings)
    with _environment(OTEL_SDK_DISABLED="true"):
        return create_app(settings)


def run(report: Report) -> None:
    """REQUESTS GET /api/user/me per round, through each app (in-process ASGI, one event loop)."""
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        if os.environ.get(name):
            raise SystemExit(f"unset {name}: this benchmark measures the cost without export")
    configure_logging("INFO", "json")
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    with Path(os.devnull).open("w") as devnull:
        handler.setStream(devnull)
        settings = Settings(
            _env_file=None,
            app_mode="local",
            local_workspace_dir=PROJECT_ROOT / "local_workspace_data",
        )
        asyncio.run(_compare(report, _app(settings, False), _app(settings, True)))
        handler.setStream(sys.stdout)


async def _compare(report: Report, plain: FastAPI, traced: FastAPI) -> None:
    async with AsyncExitStack() as stack:
        clients = []
        for app in (plain, traced):
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app)
            client = httpx.AsyncClient(transport=transport, base_url="http://bench")
            clients.append(await stack.enter_async_context(client))
        loop = asyncio.get_running_loop()

        async def many(client: httpx.AsyncClient) -> None:
            for _ in range(REQUESTS):
                response = await client.get("/api/user/me", headers=HEADERS)
                assert response.status_code == 200

        for client in clients:
            await many(client)

        def blocking(client: httpx.AsyncClient) -> Callable[[], None]:
            return lambda: asyncio.run_coroutine_threadsafe(many(client), loop).result()

        plain_label, traced_label = "OTEL_SDK_DISABLED=true", "default (server span, trace ids)"
        series = await asyncio.to_thread(
            interleaved,
            {plain_label: blocking(clients[0]), traced_label: blocking(clients[1])},
            15,
        )
        report.compare(
            f"telemetry without export: {REQUESTS} x GET /api/user/me, plain / traced",
            series[plain_label],
            series[traced_label],
        )
