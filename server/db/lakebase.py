"""Lakebase in databricks mode: which database, as which role, with which OAuth tokens."""

from databricks.sdk import WorkspaceClient

from server.adapters.workspace import WorkspaceClients
from server.config import Settings
from server.db.credentials import TokenCache, autoscaling_minter, provisioned_minter
from server.db.engine import LakebaseTarget


def _role(settings: Settings, client: WorkspaceClient) -> str:
    if settings.pguser:
        return settings.pguser
    if settings.databricks_client_id:
        return settings.databricks_client_id
    return client.current_user.me().user_name or ""


def lakebase_target(settings: Settings, clients: WorkspaceClients) -> LakebaseTarget | None:
    """The Lakebase target from LAKEBASE_ENDPOINT (Autoscaling) or LAKEBASE_INSTANCE_NAME
    (Provisioned); None when neither is set. PGHOST/PGUSER, when set, skip the look-ups."""
    client = clients.service_principal
    margin = settings.lakebase_token_refresh_margin_seconds
    endpoint = settings.lakebase_endpoint
    instance = settings.lakebase_instance_name
    if endpoint:

        def resolve_endpoint() -> tuple[str, str]:
            host = settings.pghost
            if not host:
                status = client.postgres.get_endpoint(endpoint).status
                host = status.hosts.host if status and status.hosts else None
            if not host:
                raise RuntimeError(f"Lakebase endpoint {endpoint} has no host yet")
            return host, _role(settings, client)

        return LakebaseTarget(
            endpoint, resolve_endpoint, TokenCache(autoscaling_minter(client, endpoint), margin)
        )
    if instance:

        def resolve_instance() -> tuple[str, str]:
            host = settings.pghost or client.database.get_database_instance(instance).read_write_dns
            if not host:
                raise RuntimeError(f"Lakebase instance {instance} has no read_write_dns yet")
            return host, _role(settings, client)

        return LakebaseTarget(
            instance, resolve_instance, TokenCache(provisioned_minter(client, instance), margin)
        )
    return None
