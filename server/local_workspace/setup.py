"""Prepare the local workspace folder: catalogs (and, from the serving setup, trained models)."""

import logging
from pathlib import Path

from server.local_workspace.sample_data import create_catalogs

logger = logging.getLogger(__name__)


def catalog_dir(workspace: Path) -> Path:
    """Where the catalog files live."""
    return workspace / "catalogs"


def ensure_catalogs(workspace: Path, force: bool = False) -> None:
    """Generate the sample catalogs when missing (or always with `force`)."""
    target = catalog_dir(workspace)
    if force or not any(target.glob("*.duckdb")):
        logger.info("generating sample catalogs", extra={"path": str(target)})
        create_catalogs(target)


def ensure_models(workspace: Path, force: bool = False) -> None:
    """Train the built-in serving models when missing (or always with `force`)."""
    from server.local_workspace.model_training import train_models

    ensure_catalogs(workspace)
    from server.local_workspace.llm_models import ASSISTANT_FILE

    models = workspace / "models"
    built = (
        all((models / m / "MLmodel").exists() for m in ("taxi_fare", "ticket_classifier"))
        and (models / "docs_llm" / ASSISTANT_FILE).exists()
    )
    if force or not built:
        logger.info("training local serving models", extra={"path": str(workspace / "models")})
        train_models(workspace, catalog_dir(workspace))
