"""Databricks workspace clients: the app's service principal, and per-user (on-behalf-of) clients."""

from databricks.sdk import WorkspaceClient

from server.adapters.token_cache import TokenKeyedCache
from server.config import Settings
from server.databricks_config import sdk_config

USER_CLIENT_CACHE_SIZE = 256
# A forwarded user token lives about an hour; a client is rebuilt at most that often per user.
USER_CLIENT_TTL_SECONDS = 3600.0


class WorkspaceClients:
    """Builds the service principal client once and caches user clients by token."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._user_clients: TokenKeyedCache[WorkspaceClient] = TokenKeyedCache(
            USER_CLIENT_CACHE_SIZE, USER_CLIENT_TTL_SECONDS
        )
        self.service_principal = WorkspaceClient(config=sdk_config(settings))

    @property
    def host(self) -> str:
        """The workspace URL."""
        return str(self.service_principal.config.host)

    def for_user(self, token: str) -> WorkspaceClient:
        """A client acting as the user behind `token` (auth_type="pat", as Apps OBO requires).

        Building a new client makes an HTTP call: call this from a worker thread."""
        client = self._user_clients.get(token)
        if client is None:
            client = WorkspaceClient(config=sdk_config(self._settings, token))
            self._user_clients.put(token, client)
        return client

    def for_caller(self, user_token: str | None) -> WorkspaceClient:
        """The user's client when a user token was forwarded, else the service principal's."""
        return self.for_user(user_token) if user_token else self.service_principal
