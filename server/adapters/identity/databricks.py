"""Databricks identity: the proxy's headers are required, and a forwarded user token must belong to
the forwarded user; groups and display name come from SCIM `Me` on that token."""

import asyncio
import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

from databricks.sdk import errors as sdk_errors

from server.adapters.identity.base import User, user_from_headers
from server.adapters.workspace import WorkspaceClients
from server.errors import AuthRequired, ServiceUnavailable

logger = logging.getLogger(__name__)
PROFILE_TTL_SECONDS = 300.0
PROFILE_CACHE_SIZE = 1024


@dataclass(frozen=True)
class TokenProfile:
    """Who a token belongs to, as SCIM `Me` answers on it."""

    names: frozenset[str]
    display_name: str
    groups: tuple[str, ...]
    expires_at: float


class DatabricksIdentityProvider:
    """Reads X-Forwarded-* headers; a request without them is 401 AUTH_REQUIRED, and so is one
    whose access token belongs to someone else than X-Forwarded-Email."""

    def __init__(self, clients: WorkspaceClients) -> None:
        self._clients = clients
        self._profiles: dict[str, TokenProfile] = {}

    async def resolve(self, headers: Mapping[str, str]) -> User:
        """The forwarded user (checked against their token, when one was forwarded)."""
        user = user_from_headers(headers)
        if user is None:
            raise AuthRequired(
                "No user identity: requests must come through the Databricks Apps proxy.",
                missing_header="X-Forwarded-Email",
            )
        if not user.access_token:
            return user
        profile = await self._profile(user.access_token)
        if user.user_id.lower() not in profile.names:
            raise AuthRequired(
                "The forwarded access token belongs to another user than X-Forwarded-Email.",
                missing_header="X-Forwarded-Access-Token",
            )
        return replace(user, display_name=profile.display_name, groups=profile.groups)

    async def profile(self, user: User) -> User:
        """The user as resolved: groups were read with the token check."""
        return user

    async def _profile(self, token: str) -> TokenProfile:
        key = hashlib.sha256(token.encode()).hexdigest()
        cached = self._profiles.get(key)
        if cached and cached.expires_at > time.monotonic():
            return cached
        profile = await asyncio.to_thread(self._read_profile, token)
        if len(self._profiles) >= PROFILE_CACHE_SIZE:
            self._profiles.clear()
        self._profiles[key] = profile
        return profile

    def _read_profile(self, token: str) -> TokenProfile:
        try:
            me = self._clients.for_user(token).current_user.me()
        except sdk_errors.Unauthenticated as exc:
            raise AuthRequired("The workspace rejected the forwarded access token.") from exc
        except Exception as exc:
            logger.warning(
                "could not read the token's user", extra={"error_type": type(exc).__name__}
            )
            raise ServiceUnavailable(
                "Could not verify the user with the workspace. Please retry shortly."
            ) from exc
        names = {me.user_name or ""} | {e.value or "" for e in me.emails or []}
        groups = tuple(sorted(g.display for g in (me.groups or []) if g.display))
        return TokenProfile(
            names=frozenset(n.lower() for n in names if n),
            display_name=me.display_name or me.user_name or "",
            groups=groups,
            expires_at=time.monotonic() + PROFILE_TTL_SECONDS,
        )
