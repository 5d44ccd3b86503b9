"""Seed sample data: the local workspace (local mode) or a real workspace (databricks mode).

    python -m scripts.setup_sample_data --create-all           # everything
    python -m scripts.setup_sample_data --unity-catalog        # catalogs / tables only
    python -m scripts.setup_sample_data --lakebase             # migrations + sample preferences
    python -m scripts.setup_sample_data --create-all --if-missing   # what `make run` does

In databricks mode (DATABRICKS_HOST set) the three business tables (at most 100 rows each) are created
in DATABRICKS_CATALOG.DATABRICKS_SCHEMA through the SDK's Statement Execution API.
"""

import argparse
import logging
import sys

from pydantic import ValidationError

from scripts.sample_data_steps import run_steps
from server.config import Settings, describe_validation_error
from server.observability.logging import configure_logging


def main(argv: list[str] | None = None) -> int:
    """Parse flags and run the chosen steps."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--create-all", action="store_true", help="every step")
    parser.add_argument("--unity-catalog", action="store_true", help="sample tables")
    parser.add_argument("--lakebase", action="store_true", help="migrations and sample preferences")
    parser.add_argument("--models", action="store_true", help="train the local serving models")
    parser.add_argument("--if-missing", action="store_true", help="skip what already exists")
    args = parser.parse_args(argv)
    if not (args.create_all or args.unity_catalog or args.lakebase or args.models):
        parser.error("choose --create-all, --unity-catalog, --lakebase or --models")
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_validation_error(error), file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "text")
    steps = {
        "unity_catalog": args.create_all or args.unity_catalog,
        "models": args.create_all or args.models,
        "lakebase": args.create_all or args.lakebase,
    }
    run_steps(settings, steps, force=not args.if_missing)
    logging.getLogger("setup").info("sample data ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
