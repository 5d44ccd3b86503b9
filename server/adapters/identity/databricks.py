"""Databricks identity: the proxy's headers are required, and a forwarded user token must belong to
the forwarded user; groups and display name come from SCIM `Me` on that token."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from databricks.sdk import errors as sdk_errors

from server.adapters.identity.base import User, user_from_headers
from server.adapters.sdk_errors import Where, call_sdk, error_table
from server.adapters.token_cache import TokenKeyedCache
from server.adapters.workspace import WorkspaceClients
from server.errors import AppError, AuthRequired, ServiceUnavailable

logger = logging.getLogger(__name__)
PROFILE_TTL_SECONDS = 300.0
PROFILE_CACHE_SIZE = 1024


@dataclass(frozen=True)
class TokenProfile:
    """Who a token belongs to, as SCIM `Me` answers on it."""

    names: frozenset[str]
    display_name: str
    groups: tuple[str, ...]


def _token_rejected(exc: Exception, where: Where) -> AppError:
    return AuthRequired("The workspace rejected the forwarded access token.")


def _unverifiable(exc: Exception, where: Where) -> AppError:
    logger.warning("could not read the token's user", extra={"error_type": type(exc).__name__})
    return ServiceUnavailable("Could not verify the user with the workspace. Please retry shortly.")


# Any failure but a rejected token means the workspace could not say who the token belongs to.
IDENTITY_ERRORS = error_table(
    _unverifiable,
    {sdk_errors.Unauthenticated: _token_rejected, sdk_errors.PermissionDenied: _unverifiable},
)


class DatabricksIdentityProvider:
    """Reads X-Forwarded-* headers; a request without them is 401 AUTH_REQUIRED, and so is one
    whose access token belongs to someone else than X-Forwarded-Email."""

    def __init__(self, clients: WorkspaceClients) -> None:
        self._clients = clients
        self._profiles: TokenKeyedCache[TokenProfile] = TokenKeyedCache(
            PROFILE_CACHE_SIZE, PROFILE_TTL_SECONDS
        )

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
        cached = self._profiles.get(token)
        if cached is not None:
            return cached
        profile = await call_sdk(lambda: self._read_profile(token), IDENTITY_ERRORS)
        self._profiles.put(token, profile)
        return profile

    def _read_profile(self, token: str) -> TokenProfile:
        me = self._clients.for_user(token).current_user.me()
        names = {me.user_name or ""} | {e.value or "" for e in me.emails or []}
        groups = tuple(sorted(g.display for g in (me.groups or []) if g.display))
        return TokenProfile(
            names=frozenset(n.lower() for n in names if n),
            display_name=me.display_name or me.user_name or "",
            groups=groups,
        )
