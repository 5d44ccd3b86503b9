"""`make observe`: the app in local mode with its traces exported over OTLP to a local Arize Phoenix
(an OpenTelemetry trace receiver with a web UI, from PyPI, run by uv in its own environment).

    make observe            # app on http://127.0.0.1:8000, traces at http://127.0.0.1:6006

The app gets the standard OTEL_* variables, exactly as Databricks Apps telemetry sets them, so
the same code path exports. Ctrl-C (or SIGTERM) stops the app, then Phoenix.
"""

import os
import signal
import subprocess
import sys
import time
from types import FrameType

import httpx

from server.config import PROJECT_ROOT

PHOENIX_VERSION = "20.26.1"
PHOENIX_PORT = int(os.environ.get("PHOENIX_PORT", "6006"))
PHOENIX_DIR = PROJECT_ROOT / "local_workspace_data" / "phoenix"
UV = PROJECT_ROOT / ".tools" / "bin" / "uv"


def phoenix_command() -> list[str]:
    """Phoenix's server, from PyPI, in a uv-managed tool environment (not the app's venv)."""
    return [
        str(UV),
        "tool",
        "run",
        "--from",
        f"arize-phoenix=={PHOENIX_VERSION}",
        "phoenix",
        "serve",
    ]


def app_environment(base: dict[str, str]) -> dict[str, str]:
    """The app's environment: traces to Phoenix over OTLP/HTTP (Phoenix takes no metrics)."""
    return {
        **base,
        "OTEL_SERVICE_NAME": base.get("OTEL_SERVICE_NAME", "databricks-app-template"),
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"http://127.0.0.1:{PHOENIX_PORT}/v1/traces",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
    }


def _wait_for_phoenix(process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"Phoenix exited with {process.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{PHOENIX_PORT}/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    raise SystemExit(f"Phoenix did not answer on port {PHOENIX_PORT} within {timeout:g} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    """Start Phoenix, then the app; stop both when the app stops or on Ctrl-C / SIGTERM."""
    PHOENIX_DIR.mkdir(parents=True, exist_ok=True)
    phoenix_env = {
        **os.environ,
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(PHOENIX_PORT),
        "PHOENIX_WORKING_DIR": str(PHOENIX_DIR),
        "PHOENIX_TELEMETRY_ENABLED": "false",
    }
    print(f"Starting Arize Phoenix {PHOENIX_VERSION} (first run installs it; can take a minute)")
    phoenix = subprocess.Popen(phoenix_command(), env=phoenix_env, stdout=subprocess.DEVNULL)
    app: subprocess.Popen[bytes] | None = None

    def forward(signum: int, frame: FrameType | None) -> None:
        if app is not None and app.poll() is None:
            app.send_signal(signum)

    try:
        _wait_for_phoenix(phoenix, timeout=300)
        print(f"Traces: http://127.0.0.1:{PHOENIX_PORT}  (project 'default')", flush=True)
        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        app = subprocess.Popen(
            [sys.executable, "-m", "server"], env=app_environment(dict(os.environ))
        )
        return app.wait()
    finally:
        if app is not None:
            _stop(app)
        _stop(phoenix)


if __name__ == "__main__":
    sys.exit(main())
