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
