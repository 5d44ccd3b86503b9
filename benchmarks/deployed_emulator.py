"""The strict emulator deployed from the repository's bundle, for benchmarks that measure the app
in databricks mode against it."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from emulator.app import create_emulator, emulator_workspace
from emulator.bundle import load_bundle
from emulator.provision import app_environment
from emulator.serve import free_port, serve_in_thread
from emulator.state import EmulatorState
from server.config import PROJECT_ROOT, Settings
from server.local_workspace.setup import ensure_models


@dataclass(frozen=True)
class DeployedEmulator:
    """The running emulator, its state (tokens, controls) and the app's Apps environment."""

    app: FastAPI
    state: EmulatorState
    url: str
    app_env: dict[str, str]


@contextmanager
def deployed_emulator() -> Iterator[DeployedEmulator]:
    """`databricks.yml` (target dev) deployed to an emulator served on a thread of this process."""
    workspace = PROJECT_ROOT / "local_workspace_data"
    ensure_models(workspace)
    bundle = load_bundle(
        PROJECT_ROOT / "databricks.yml", "dev", {"serving_endpoint": "taxi-fare-regressor"}
    )
    state = EmulatorState()
    settings = Settings(_env_file=None, app_mode="local", local_workspace_dir=workspace)
    emulator = create_emulator(settings, free_port(), state, bundle)
    with serve_in_thread(emulator) as url:
        env = app_environment(
            emulator.state.deployment, bundle.app_yaml, url, emulator_workspace(emulator), 8000
        )
        yield DeployedEmulator(emulator, state, url, env)
