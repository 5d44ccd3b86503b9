"""`python -m emulator`: run the Databricks REST emulator by hand (`make emulator`)."""

import argparse
import logging

import uvicorn

from emulator.app import create_emulator
from server.config import Settings
from server.local_workspace.setup import ensure_models


def main() -> None:
    """Serve the emulator on a loopback port."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--lakebase-port", type=int, default=8788)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    settings = Settings(app_mode="local")
    ensure_models(settings.local_workspace_dir)
    app = create_emulator(settings, args.lakebase_port)
    state = app.state.emulator
    print(
        f"Databricks REST emulator on http://127.0.0.1:{args.port}\n"
        f"  DATABRICKS_HOST=http://127.0.0.1:{args.port} "
        f"DATABRICKS_CLIENT_ID={state.sp_client_id} DATABRICKS_CLIENT_SECRET={state.sp_client_secret}\n"
        f"  DATABRICKS_WAREHOUSE_ID=emulator-warehouse LAKEBASE_INSTANCE_NAME=emulator-lakebase "
        f"PGPORT={args.lakebase_port} PGSSLMODE=disable"
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
