"""Start the app as `make run` does (`python -m server`) on a free port, for end-to-end tests."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from emulator.serve import free_port
from server.config import PROJECT_ROOT


@contextmanager
def running_server(extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """The server process in local mode; yields its base URL once /health answers."""
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "APP_MODE": "local",
        "LOG_FORMAT": "json",
        **(extra_env or {}),
    }
    env.pop("DATABRICKS_APP_PORT", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "server"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
