"""Browser fixtures: the app as `make run` starts it, Debian's Chromium, one user per test; a
server process of its own on a private workspace."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from emulator.serve import free_port
from tests.conftest import require_component
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, chromium_available
from tests.e2e.server_process import running_server


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_component(chromium_available(), "Chromium", "apt-get install chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser, app_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page acting as a user of its own, so tests never share preferences."""
    name = request.node.name.split("[")[0][-30:].replace("_", "-")
    user = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    context = browser.new_context(
        base_url=app_url,
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"X-Forwarded-Email": user},
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def private_workspace(tmp_path: Path, workspace_dir: Path) -> Path:
    """The shared sample data and models, with a PostgreSQL data directory of its own, so no
    other process (this test run included) shares the embedded server."""
    private = tmp_path / "workspace"
    private.mkdir()
    for part in ("catalogs", "models"):
        (private / part).symlink_to(workspace_dir / part)
    return private


@pytest.fixture
def server_env(private_workspace: Path) -> dict[str, str]:
    """The environment of a local-mode server on a free port and the private workspace."""
    env = {
        **os.environ,
        "PORT": str(free_port()),
        "APP_MODE": "local",
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",  # log lines reach the file as they are written
        "LOCAL_WORKSPACE_DIR": str(private_workspace),
    }
    for name in ("DATABRICKS_APP_PORT", "DATABASE_URL", "PGHOST", "WEB_CONCURRENCY"):
        env.pop(name, None)
    return env
