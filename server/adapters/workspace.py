"""Databricks workspace clients: the app's service principal, and per-user (on-behalf-of) clients."""

import hashlib
import threading
from collections import OrderedDict

from databricks.sdk import WorkspaceClient

from server.config import Settings
from server.databricks_config import sdk_config

_USER_CLIENT_CACHE_SIZE = 256


class WorkspaceClients:
    """Builds the service principal client once and caches user clients by token."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._user_clients: OrderedDict[str, WorkspaceClient] = OrderedDict()
        self.service_principal = WorkspaceClient(config=sdk_config(settings))

    @property
    def host(self) -> str:
        """The workspace URL."""
        return str(self.service_principal.config.host)

    def for_user(self, token: str) -> WorkspaceClient:
        """A client acting as the user behind `token` (auth_type="pat", as Apps OBO requires).

        Building a new client makes an HTTP call: call this from a worker thread."""
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            client = self._user_clients.get(key)
            if client is not None:
                self._user_clients.move_to_end(key)
                return client
        client = WorkspaceClient(config=sdk_config(self._settings, token))
        with self._lock:
            self._user_clients[key] = client
            while len(self._user_clients) > _USER_CLIENT_CACHE_SIZE:
                self._user_clients.popitem(last=False)
        return client

    def for_caller(self, user_token: str | None) -> WorkspaceClient:
        """The user's client when a user token was forwarded, else the service principal's."""
        return self.for_user(user_token) if user_token else self.service_principal


def sdk_error_message(exc: Exception) -> str:
    """The workspace's own message, without the configuration the SDK appends to 401 and 403
    errors ("... Config: host=..., client_id=..."), which users must not see."""
    return str(exc).split(". Config: ")[0].split(". Env: ")[0]


def explain_refusal(message: str) -> str:
    """A workspace refusal with the fix a deployer can make, when it is the app's configuration
    that lacks something (an OAuth scope of user authorization, CAN_USE on the warehouse)."""
    if "required scopes" in message:
        return f"{message}. Add the scope to the app's user_api_scopes (databricks.yml), redeploy."
    if "warehouse" in message.lower():
        return f"{message}. A workspace admin can grant CAN_USE on the app's SQL warehouse."
    return message
