"""Preference rules: allowed keys, JSON-object values of at most 100 KB, one user's rows only."""

import asyncio
import json
from collections.abc import Sequence
from typing import Any, Protocol

from server.adapters.identity.base import User
from server.db.jsonb import contains_nul
from server.errors import InvalidPreference, PreferenceNotFound
from server.models.preferences import ALLOWED_KEYS, MAX_VALUE_BYTES, UserPreference


class PreferenceStore(Protocol):
    """Where preferences live (server.db.repositories.PreferenceRepository); rows are read with
    `UserPreference.model_validate`."""

    def list(self, user_id: str, key: str | None = None) -> Sequence[Any]:
        """The user's preferences, optionally one key."""
        ...

    def upsert(self, user_id: str, key: str, value: dict[str, Any]) -> Any:
        """Insert or update one preference, returning the row."""
        ...

    def delete(self, user_id: str, key: str) -> bool:
        """Delete one preference; False when there was none."""
        ...


class PreferencesService:
    """Reads and writes the caller's preferences."""

    def __init__(self, repository: PreferenceStore) -> None:
        self._repo = repository

    async def list(self, user: User, key: str | None = None) -> list[UserPreference]:
        """The caller's preferences (optionally one key)."""
        rows = await asyncio.to_thread(self._repo.list, user.user_id, key)
        return [UserPreference.model_validate(r) for r in rows]

    async def save(self, user: User, key: str, value: Any) -> UserPreference:
        """Upsert after checking the value is a JSON object within the size limit."""
        if not isinstance(value, dict):
            raise InvalidPreference(
                "preference_value must be a JSON object.",
                allowed_keys=list(ALLOWED_KEYS),
                max_size_bytes=MAX_VALUE_BYTES,
                received_type=type(value).__name__,
            )
        if contains_nul(value):
            raise InvalidPreference(
                "preference_value contains a NUL character (\\u0000), which cannot be stored.",
                allowed_keys=list(ALLOWED_KEYS),
                max_size_bytes=MAX_VALUE_BYTES,
            )
        size = len(json.dumps(value, separators=(",", ":")).encode())
        if size > MAX_VALUE_BYTES:
            raise InvalidPreference(
                f"preference_value is {size} bytes; the limit is {MAX_VALUE_BYTES}.",
                allowed_keys=list(ALLOWED_KEYS),
                max_size_bytes=MAX_VALUE_BYTES,
                size_bytes=size,
            )
        row = await asyncio.to_thread(self._repo.upsert, user.user_id, key, value)
        return UserPreference.model_validate(row)

    async def delete(self, user: User, key: str) -> None:
        """Delete one of the caller's preferences, or PreferenceNotFound."""
        if not await asyncio.to_thread(self._repo.delete, user.user_id, key):
            raise PreferenceNotFound(f"You have no preference {key!r}.", preference_key=key)
