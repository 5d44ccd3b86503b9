"""Lakebase in databricks mode: which database, as which role, with which OAuth tokens."""

import functools

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


def instance_for_host(client: WorkspaceClient, host: str) -> str:
    """The Provisioned instance whose read_write_dns is `host` (what Databricks Apps puts in PGHOST)."""
    for instance in client.database.list_database_instances():
        if instance.read_write_dns == host and instance.name:
            return instance.name
    raise RuntimeError(
        f"No Lakebase instance has read_write_dns {host}; set LAKEBASE_INSTANCE_NAME"
    )


def _uses_token_login(settings: Settings) -> bool:
    return bool(settings.pghost) and not settings.pgpassword and not settings.database_url


def lakebase_target(settings: Settings, clients: WorkspaceClients) -> LakebaseTarget | None:
    """The Lakebase target from LAKEBASE_ENDPOINT (Autoscaling), LAKEBASE_INSTANCE_NAME
    (Provisioned), or PGHOST without a password (the Provisioned instance with that host).
    None when the database has a password or URL of its own."""
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

        minter = provisioned_minter(client, lambda: instance)
        return LakebaseTarget(instance, resolve_instance, TokenCache(minter, margin))
    if settings.pghost and _uses_token_login(settings):
        host = settings.pghost
        name = functools.cache(lambda: instance_for_host(client, host))
        minter = provisioned_minter(client, name)
        return LakebaseTarget(
            host, lambda: (host, _role(settings, client)), TokenCache(minter, margin)
        )
    return None
