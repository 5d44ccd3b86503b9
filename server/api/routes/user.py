"""The caller's identity."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.api.deps import BackendsDep, CurrentUser

router = APIRouter(prefix="/api/user", tags=["user"])


class UserInfo(BaseModel):
    user_id: str
    user_name: str
    display_name: str
    groups: list[str]
    mode: Literal["local", "databricks"]
    acting_as: Literal["user", "app_service_principal"] = Field(
        description=(
            "Whose permissions the app's calls to Databricks use: the user's own (a user token "
            "was forwarded, or local mode), or the app's service principal (user authorization "
            "is off), which sees only what was granted to it."
        )
    )


@router.get("/me")
async def me(user: CurrentUser, backends: BackendsDep) -> UserInfo:
    """Who is calling, their groups, the app's mode and whose permissions its calls use."""
    profile = await backends.identity.profile(user)
    on_behalf = backends.mode == "local" or bool(user.access_token)
    return UserInfo(
        user_id=profile.user_id,
        user_name=profile.user_name,
        display_name=profile.display_name,
        groups=list(profile.groups),
        mode="databricks" if backends.mode == "databricks" else "local",
        acting_as="user" if on_behalf else "app_service_principal",
    )
