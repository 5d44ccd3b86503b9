"""Per-user preferences in Lakebase."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from server.api.deps import CurrentUser, Preferences
from server.api.openapi import errors
from server.errors import DatabaseUnavailable, InvalidPreference, PreferenceNotFound
from server.models.preferences import PreferenceKey, PreferenceUpsert, UserPreference

router = APIRouter(
    prefix="/api/preferences", tags=["preferences"], responses=errors(DatabaseUnavailable)
)


@router.get("")
async def list_preferences(
    user: CurrentUser,
    preferences: Preferences,
    preference_key: Annotated[PreferenceKey | None, Query()] = None,
) -> list[UserPreference]:
    """The caller's preferences, optionally one key."""
    return await preferences.list(user, preference_key)


@router.post("", responses=errors(InvalidPreference))
async def save_preference(
    user: CurrentUser, preferences: Preferences, body: PreferenceUpsert
) -> UserPreference:
    """Create or update one of the caller's preferences."""
    return await preferences.save(user, body.preference_key, body.preference_value)


@router.delete(
    "/{preference_key}",
    status_code=204,
    response_class=Response,
    responses=errors(PreferenceNotFound),
)
async def delete_preference(
    user: CurrentUser, preferences: Preferences, preference_key: PreferenceKey
) -> Response:
    """Delete one of the caller's preferences."""
    await preferences.delete(user, preference_key)
    return Response(status_code=204)
