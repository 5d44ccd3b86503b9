"""The identity port and the header parsing both adapters share."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class User:
    """The authenticated caller. `user_id` is the email; the token is never logged or serialised."""

    user_id: str
    user_name: str
    display_name: str
    groups: tuple[str, ...] = ()
    access_token: str | None = field(default=None, repr=False)


def result_owner(user: User) -> str:
    """Who a kept statement result belongs to: the user, as themselves (their forwarded token)
    or as the app's service principal (no token). A result read with one identity's grants is
    never served to calls made as the other."""
    return user.user_id if user.access_token else f"{user.user_id} (as the app)"


class IdentityProvider(Protocol):
    """Resolves the caller from request headers."""

    async def resolve(self, headers: Mapping[str, str]) -> User:
        """The caller, or AuthRequired."""
        ...

    async def profile(self, user: User) -> User:
        """The caller with their group memberships filled in."""
        ...


def user_from_headers(headers: Mapping[str, str]) -> User | None:
    """The user the Databricks Apps proxy forwarded, or None when it forwarded nobody."""
    email = (headers.get("x-forwarded-email") or "").strip()
    if not email:
        return None
    preferred = (headers.get("x-forwarded-preferred-username") or "").strip()
    user_name = (headers.get("x-forwarded-user") or "").strip() or email
    token = (headers.get("x-forwarded-access-token") or "").strip() or None
    return User(
        user_id=email,
        user_name=user_name,
        display_name=preferred or email.split("@")[0],
        access_token=token,
    )
