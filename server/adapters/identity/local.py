"""Local identity: proxy headers when present (to simulate users), else the configured dev user."""

from collections.abc import Callable, Mapping

from server.adapters.identity.base import User, user_from_headers


class LocalIdentityProvider:
    """Honours X-Forwarded-* headers and falls back to a dev user; groups come from local grants."""

    def __init__(
        self, dev_email: str, dev_name: str, groups_of: Callable[[str], tuple[str, ...]]
    ) -> None:
        self._dev_user = User(user_id=dev_email, user_name=dev_email, display_name=dev_name)
        self._groups_of = groups_of

    async def resolve(self, headers: Mapping[str, str]) -> User:
        """The forwarded user or the dev user."""
        user = user_from_headers(headers) or self._dev_user
        return User(
            user_id=user.user_id,
            user_name=user.user_name,
            display_name=user.display_name,
            groups=self._groups_of(user.user_id),
            access_token=user.access_token,
        )

    async def profile(self, user: User) -> User:
        """Groups are already resolved from the local grants file."""
        return user
