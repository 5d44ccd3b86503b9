"""The real server process: start-up time, identity, bad configuration."""

import os
import subprocess
import sys
import time

import httpx

from server.config import PROJECT_ROOT
from tests.e2e.server_process import running_server


def test_prepared_server_is_healthy_quickly() -> None:
    started = time.monotonic()
    with running_server() as url:
        elapsed = time.monotonic() - started
        assert httpx.get(f"{url}/api/user/me").json()["user_id"] == "dev.user@example.com"
        alice = httpx.get(f"{url}/api/user/me", headers={"X-Forwarded-Email": "alice@example.com"})
        assert alice.json()["user_id"] == "alice@example.com"
        assert httpx.get(f"{url}/health/ready", timeout=10).status_code == 200
    assert elapsed < 10


def test_invalid_setting_fails_fast_with_one_line() -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "server"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "APP_MODE": "sideways"},
        timeout=30,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "APP_MODE" in lines[0]
    assert elapsed < 2
