"""The real server process: start-up time, identity, bad configuration."""

import os
import subprocess
import sys

import httpx

from server.config import PROJECT_ROOT
from tests.e2e.server_process import running_server


def test_prepared_server_is_healthy() -> None:
    with running_server() as url:
        assert httpx.get(f"{url}/api/user/me").json()["user_id"] == "dev.user@example.com"
        alice = httpx.get(f"{url}/api/user/me", headers={"X-Forwarded-Email": "alice@example.com"})
        assert alice.json()["user_id"] == "alice@example.com"
        assert httpx.get(f"{url}/health/ready", timeout=10).status_code == 200


def test_invalid_setting_fails_with_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "APP_MODE": "sideways"},
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "APP_MODE" in lines[0]
