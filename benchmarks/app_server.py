"""The app as `make run` starts it (`python -m server`), on a free port, for benchmarks."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from emulator.serve import free_port
from server.config import PROJECT_ROOT


@dataclass
class RunningApp:
    """Where the app listens and how long it took to become ready."""

    url: str
    ready_seconds: float


@contextmanager
def running_app(env: dict[str, str]) -> Iterator[RunningApp]:
    """Start the server process, wait for /health/ready, stop it on exit."""
    port = free_port()
    full_env = {**os.environ, "PORT": str(port), "LOG_LEVEL": "WARNING", **env}
    full_env.pop("DATABRICKS_APP_PORT", None)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "server"],
        cwd=PROJECT_ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        ready = _wait_ready(process, url, started)
        yield RunningApp(url, ready)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(process: subprocess.Popen[bytes], url: str, started: float) -> float:
    while time.monotonic() - started < 180:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the app was not ready within 180 s")
