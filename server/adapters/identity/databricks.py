"""Databricks identity: the proxy's headers are required; groups come from SCIM on the user's token."""

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace

from server.adapters.identity.base import User, user_from_headers
from server.adapters.workspace import WorkspaceClients
from server.errors import AuthRequired

logger = logging.getLogger(__name__)


class DatabricksIdentityProvider:
    """Reads X-Forwarded-* headers; a request without them is 401 AUTH_REQUIRED."""

    def __init__(self, clients: WorkspaceClients) -> None:
        self._clients = clients

    async def resolve(self, headers: Mapping[str, str]) -> User:
        """The forwarded user, or AuthRequired."""
        user = user_from_headers(headers)
        if user is None:
            raise AuthRequired(
                "No user identity: requests must come through the Databricks Apps proxy.",
                missing_header="X-Forwarded-Email",
            )
        return user

    async def profile(self, user: User) -> User:
        """Adds the user's groups from SCIM `Me` when a user token was forwarded."""
        if not user.access_token:
            return user
        client = self._clients.for_user(user.access_token)
        try:
            me = await asyncio.to_thread(client.current_user.me)
        except Exception as exc:
            logger.warning(
                "could not read the user's groups", extra={"error_type": type(exc).__name__}
            )
            return user
        groups = tuple(sorted(g.display for g in (me.groups or []) if g.display))
        return replace(user, groups=groups, display_name=me.display_name or user.display_name)
