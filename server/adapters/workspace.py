"""Databricks workspace clients: the app's service principal, and per-user (on-behalf-of) clients."""

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from server.config import Settings

_USER_CLIENT_CACHE_SIZE = 256


class WorkspaceClients:
    """Builds the service principal client once and caches user clients by token."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._user_clients: OrderedDict[str, WorkspaceClient] = OrderedDict()
        self.service_principal = WorkspaceClient(config=self._config())

    @property
    def host(self) -> str:
        """The workspace URL."""
        return str(self.service_principal.config.host)

    def _config(self, user_token: str | None = None) -> Config:
        s = self._settings
        timeouts: dict[str, Any] = {
            "http_timeout_seconds": s.sdk_http_timeout_seconds,
            "retry_timeout_seconds": s.sdk_retry_timeout_seconds,
        }
        if user_token is not None:
            return Config(host=s.databricks_host, token=user_token, auth_type="pat", **timeouts)
        if s.databricks_client_id and s.databricks_client_secret:
            return Config(
                host=s.databricks_host,
                client_id=s.databricks_client_id,
                client_secret=s.databricks_client_secret.get_secret_value(),
                auth_type="oauth-m2m",
                **timeouts,
            )
        token = s.databricks_token.get_secret_value() if s.databricks_token else None
        return Config(host=s.databricks_host, token=token, **timeouts)

    def for_user(self, token: str) -> WorkspaceClient:
        """A client acting as the user behind `token` (auth_type="pat", as Apps OBO requires)."""
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            client = self._user_clients.get(key)
            if client is not None:
                self._user_clients.move_to_end(key)
                return client
        client = WorkspaceClient(config=self._config(token))
        with self._lock:
            self._user_clients[key] = client
            while len(self._user_clients) > _USER_CLIENT_CACHE_SIZE:
                self._user_clients.popitem(last=False)
        return client

    def for_caller(self, user_token: str | None) -> WorkspaceClient:
        """The user's client when a user token was forwarded, else the service principal's."""
        return self.for_user(user_token) if user_token else self.service_principal
