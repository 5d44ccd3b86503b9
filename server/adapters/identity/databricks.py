"""Databricks identity: the proxy's headers are required; groups come from SCIM on the user's token."""

import asyncio
import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import replace

from server.adapters.identity.base import User, user_from_headers
from server.adapters.workspace import WorkspaceClients
from server.errors import AuthRequired

logger = logging.getLogger(__name__)
PROFILE_TTL_SECONDS = 300.0
PROFILE_CACHE_SIZE = 1024


class DatabricksIdentityProvider:
    """Reads X-Forwarded-* headers; a request without them is 401 AUTH_REQUIRED."""

    def __init__(self, clients: WorkspaceClients) -> None:
        self._clients = clients
        self._profiles: dict[str, tuple[float, str, tuple[str, ...]]] = {}

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
        """Adds the user's groups from SCIM `Me` when a user token was forwarded (cached per token
        for five minutes)."""
        if not user.access_token:
            return user
        key = hashlib.sha256(user.access_token.encode()).hexdigest()
        cached = self._profiles.get(key)
        if cached and cached[0] > time.monotonic():
            return replace(user, display_name=cached[1], groups=cached[2])
        client = self._clients.for_user(user.access_token)
        try:
            me = await asyncio.to_thread(client.current_user.me)
        except Exception as exc:
            logger.warning(
                "could not read the user's groups", extra={"error_type": type(exc).__name__}
            )
            return user
        groups = tuple(sorted(g.display for g in (me.groups or []) if g.display))
        display_name = me.display_name or user.display_name
        if len(self._profiles) >= PROFILE_CACHE_SIZE:
            self._profiles.clear()
        self._profiles[key] = (time.monotonic() + PROFILE_TTL_SECONDS, display_name, groups)
        return replace(user, groups=groups, display_name=display_name)
