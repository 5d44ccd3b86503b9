"""Lakebase in databricks mode: which database, as which role, with which OAuth tokens.

The database is named explicitly, never discovered by listing: LAKEBASE_ENDPOINT (Autoscaling; what
`valueFrom: postgres` gives an app, Databricks docs "Databricks Apps environment variables") or
LAKEBASE_INSTANCE_NAME (an existing Provisioned instance). PGHOST, PGUSER and PGDATABASE are the ones
Databricks Apps injects for the database resource.
"""

from databricks.sdk import WorkspaceClient

from server.config import Settings
from server.db.credentials import TokenCache, autoscaling_minter, provisioned_minter
from server.db.engine import LakebaseTarget


def _role(settings: Settings, client: WorkspaceClient) -> str:
    if settings.pguser:
        return settings.pguser
    if settings.databricks_client_id:
        return settings.databricks_client_id
    return client.current_user.me().user_name or ""


def _endpoint_host(settings: Settings, client: WorkspaceClient, endpoint: str) -> str:
    if settings.pghost:
        return settings.pghost
    status = client.postgres.get_endpoint(endpoint).status
    host = status.hosts.host if status and status.hosts else None
    if not host:
        raise RuntimeError(f"Lakebase endpoint {endpoint} has no host yet")
    return host


def _instance_host(settings: Settings, client: WorkspaceClient, instance: str) -> str:
    host = settings.pghost or client.database.get_database_instance(instance).read_write_dns
    if not host:
        raise RuntimeError(f"Lakebase instance {instance} has no read_write_dns yet")
    return host


def lakebase_target(settings: Settings, client: WorkspaceClient) -> LakebaseTarget | None:
    """The Lakebase database of LAKEBASE_ENDPOINT or LAKEBASE_INSTANCE_NAME, logging in as the
    app's role with tokens `client` mints; None when neither is set."""
    margin = settings.lakebase_token_refresh_margin_seconds
    endpoint = settings.lakebase_endpoint
    instance = settings.lakebase_instance_name
    if endpoint:
        return LakebaseTarget(
            endpoint,
            lambda: (_endpoint_host(settings, client, endpoint), _role(settings, client)),
            TokenCache(autoscaling_minter(client, endpoint), margin),
        )
    if instance:
        return LakebaseTarget(
            instance,
            lambda: (_instance_host(settings, client, instance), _role(settings, client)),
            TokenCache(provisioned_minter(client, instance), margin),
        )
    return None
