"""`python -m emulator`: run the Databricks REST emulator by hand (`make emulator`), with the
repository's bundle deployed, and print the environment Databricks Apps would give the app."""

import argparse
import logging
from pathlib import Path

import uvicorn

from emulator.app import create_emulator, emulator_workspace
from emulator.bundle import load_bundle
from emulator.provision import app_environment
from server.config import PROJECT_ROOT, Settings
from server.local_workspace.setup import ensure_models


def _variables(pairs: list[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in pairs)


def main() -> None:
    """Serve the emulator on a loopback port."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--lakebase-port", type=int, default=8788)
    parser.add_argument("--target", default="dev", help="bundle target to deploy")
    parser.add_argument(
        "--var",
        action="append",
        default=["serving_endpoint=taxi-fare-regressor"],
        help="bundle variable NAME=VALUE (as `databricks bundle deploy --var`)",
    )
    parser.add_argument(
        "--env-file",
        default=".emulator.env",
        help="where to write the app's environment (for `env $(cat FILE) python -m server`)",
    )
    parser.add_argument("--app-port", type=int, default=8001, help="DATABRICKS_APP_PORT to give")
    parser.add_argument(
        "--warehouse-latency-ms",
        type=float,
        default=0.0,
        help="time every SQL statement takes on the warehouse at least (benchmarks)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    settings = Settings(app_mode="local")
    ensure_models(settings.local_workspace_dir)
    bundle = load_bundle(PROJECT_ROOT / "databricks.yml", args.target, _variables(args.var))
    app = create_emulator(settings, args.lakebase_port, bundle=bundle)
    url = f"http://127.0.0.1:{args.port}"
    ws = emulator_workspace(app)
    app.state.workspace.controls.latency_seconds = args.warehouse_latency_ms / 1000
    env = app_environment(app.state.deployment, bundle.app_yaml, url, ws, args.app_port)
    env["HOST"] = "127.0.0.1"  # app.yaml listens on every interface; by hand, loopback is enough
    Path(args.env_file).write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    print(f"Databricks REST emulator on {url}, bundle target {args.target} deployed.")
    print(f"The app's environment on Databricks Apps is in {args.env_file}; start the app with")
    print(f"  env $(cat {args.env_file}) .venv/bin/python -m server")
    uvicorn.run(app, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
