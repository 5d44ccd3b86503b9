"""Opening Lakebase connections through the emulator's login proxy (TLS, as PGSSLMODE=require asks):
minting a token for every connection against the app's cached, refreshed-before-expiry token."""

from sqlalchemy import text

from benchmarks.stats import Report, interleaved
from emulator.app import create_emulator, emulator_workspace
from emulator.bundle import load_bundle
from emulator.provision import app_environment
from emulator.serve import free_port, serve_in_thread
from emulator.state import EmulatorState
from server.adapters.workspace import WorkspaceClients
from server.config import PROJECT_ROOT, Settings
from server.db.engine import build_database
from server.db.lakebase import lakebase_target
from server.local_workspace.setup import ensure_models

CONNECTIONS = 20


def run(report: Report) -> None:
    """Open CONNECTIONS fresh connections per round, with and without the token cache."""
    workspace = PROJECT_ROOT / "local_workspace_data"
    ensure_models(workspace)
    bundle = load_bundle(
        PROJECT_ROOT / "databricks.yml", "dev", {"serving_endpoint": "taxi-fare-regressor"}
    )
    app = create_emulator(
        Settings(_env_file=None, app_mode="local", local_workspace_dir=workspace),
        free_port(),
        EmulatorState(),
        bundle,
    )
    with serve_in_thread(app) as url:
        env = app_environment(
            app.state.deployment, bundle.app_yaml, url, emulator_workspace(app), 8000
        )
        settings = Settings.from_environment(env, db_pool_size=1, db_max_overflow=0)
        target = lakebase_target(settings, WorkspaceClients(settings).service_principal)
        assert target is not None
        database = build_database(settings, target)

        def connect_many(mint_each: bool) -> None:
            for _ in range(CONNECTIONS):
                if mint_each:
                    target.tokens._current = None  # forget the cached token
                database.engine.dispose()
                with database.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))

        runs = interleaved(
            {
                "mint a token per connection": lambda: connect_many(True),
                "cached token (the app)": lambda: connect_many(False),
            },
            rounds=5,
            warmup=0,
        )
        report.compare(
            f"Lakebase: {CONNECTIONS} new connections",
            runs["mint a token per connection"],
            runs["cached token (the app)"],
        )
        database.engine.dispose()
