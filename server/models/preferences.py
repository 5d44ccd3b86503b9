"""Preferences API schemas."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

PreferenceKey = Literal["theme", "dashboard_layout", "favorite_tables"]
ALLOWED_KEYS: tuple[str, ...] = ("theme", "dashboard_layout", "favorite_tables")
MAX_VALUE_BYTES = 100 * 1024


class PreferenceUpsert(BaseModel):
    preference_key: PreferenceKey
    preference_value: Any = Field(description="A JSON object of at most 100 KB")


class UserPreference(BaseModel):
    id: int
    user_id: str
    preference_key: str
    preference_value: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    model_config = {"from_attributes": True}
