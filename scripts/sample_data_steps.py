"""The steps behind setup_sample_data, one function per target."""

import logging
from typing import Any

from server.config import Settings
from server.local_workspace.setup import ensure_catalogs, ensure_models

logger = logging.getLogger("setup")
SAMPLE_PREFERENCES: dict[str, dict[str, Any]] = {
    "theme": {"mode": "light"},
    "favorite_tables": {"tables": ["main.samples.orders", "samples.nyctaxi.trips"]},
}


def seed_lakebase(settings: Settings) -> None:
    """Apply migrations and give the dev user sample preferences (existing ones are kept)."""
    from server.db.open import open_database
    from server.db.repositories import PreferenceRepository

    database = open_database(settings)
    try:
        database.migrate()
        repository = PreferenceRepository(database)
        existing = {row.preference_key for row in repository.list(settings.dev_user_email)}
        for key, value in SAMPLE_PREFERENCES.items():
            if key not in existing:
                repository.upsert(settings.dev_user_email, key, value)
        logger.info(f"lakebase ready: {database.description}")
    finally:
        database.close()


def run_steps(settings: Settings, steps: dict[str, bool], force: bool) -> None:
    """Run each enabled step for the configured mode."""
    if steps["unity_catalog"]:
        if settings.mode == "databricks":
            from scripts.databricks_sample_tables import create_sample_tables

            create_sample_tables(settings)
        else:
            ensure_catalogs(settings.local_workspace_dir, force=force)
    if steps["models"]:
        if settings.mode == "databricks":
            logger.info("models: deploy your own serving endpoints; see docs/model-serving.md")
        else:
            ensure_models(settings.local_workspace_dir, force=force)
    if steps["lakebase"]:
        seed_lakebase(settings)
