"""The caller's identity."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from server.api.deps import BackendsDep, CurrentUser

router = APIRouter(prefix="/api/user", tags=["user"])


class UserInfo(BaseModel):
    user_id: str
    user_name: str
    display_name: str
    groups: list[str]
    mode: Literal["local", "databricks"]


@router.get("/me")
async def me(user: CurrentUser, backends: BackendsDep) -> UserInfo:
    """Who is calling, their groups and the app's mode."""
    profile = await backends.identity.profile(user)
    return UserInfo(
        user_id=profile.user_id,
        user_name=profile.user_name,
        display_name=profile.display_name,
        groups=list(profile.groups),
        mode="databricks" if backends.mode == "databricks" else "local",
    )
