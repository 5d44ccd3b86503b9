"""The steps behind setup_sample_data, one function per target."""

from server.config import Settings
from server.local_workspace.setup import ensure_catalogs


def run_steps(settings: Settings, steps: dict[str, bool], force: bool) -> None:
    """Run each enabled step for the configured mode."""
    if steps["unity_catalog"]:
        if settings.mode == "databricks":
            from scripts.databricks_sample_tables import create_sample_tables

            create_sample_tables(settings)
        else:
            ensure_catalogs(settings.local_workspace_dir, force=force)
