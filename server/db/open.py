"""The one way to open the app's database, used by the app, by migrations (`make migrate`,
`alembic upgrade head`) and by scripts: the same settings give the same database and login."""

from databricks.sdk import WorkspaceClient

from server.config import Settings
from server.databricks_config import sdk_config
from server.db.engine import Database, build_database
from server.db.lakebase import lakebase_target


def open_database(settings: Settings, client: WorkspaceClient | None = None) -> Database:
    """The database the settings name: DATABASE_URL, Lakebase (LAKEBASE_ENDPOINT or
    LAKEBASE_INSTANCE_NAME, with OAuth tokens minted by `client`, by default the app's service
    principal), PG* variables, or the embedded server. Blocks: call it off the event loop."""
    lakebase = None
    if settings.lakebase_endpoint or settings.lakebase_instance_name:
        lakebase = lakebase_target(settings, client or WorkspaceClient(config=sdk_config(settings)))
    return build_database(settings, lakebase)
