"""Repositories: every statement is filtered by the authenticated user id."""

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from server.db.engine import Database
from server.db.jsonb import without_nul
from server.db.orm import ModelInferenceLogRow, UserPreferenceRow
from server.models.model_serving import InferenceLogEntry, InferenceRecord


class PreferenceRepository:
    """A user's preferences; no method can reach another user's rows."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def list(self, user_id: str, key: str | None = None) -> list[UserPreferenceRow]:
        """The user's preferences, optionally one key."""
        query = select(UserPreferenceRow).where(UserPreferenceRow.user_id == user_id)
        if key is not None:
            query = query.where(UserPreferenceRow.preference_key == key)
        with self._db.session("preferences.list") as session:
            rows = list(session.scalars(query.order_by(UserPreferenceRow.preference_key)))
            session.expunge_all()
            return rows

    def upsert(self, user_id: str, key: str, value: dict[str, Any]) -> UserPreferenceRow:
        """Insert or update in one statement (ON CONFLICT), returning the row."""
        statement = (
            insert(UserPreferenceRow)
            .values(user_id=user_id, preference_key=key, preference_value=value)
            .on_conflict_do_update(
                constraint="uq_user_preference",
                set_={"preference_value": value, "updated_at": func.now()},
            )
            .returning(UserPreferenceRow)
        )
        with self._db.session("preferences.upsert") as session:
            row = session.scalars(statement).one()
            session.expunge(row)
            return row

    def delete(self, user_id: str, key: str) -> bool:
        """Delete one of the user's preferences; False when they had none."""
        statement = delete(UserPreferenceRow).where(
            UserPreferenceRow.user_id == user_id, UserPreferenceRow.preference_key == key
        )
        with self._db.session("preferences.delete") as session:
            return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


_INSERT_INFERENCE = insert(ModelInferenceLogRow)


class InferenceLogRepository:
    """One row per model invocation; users read only their own."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, record: InferenceRecord) -> None:
        """Write one inference log row, committed when this returns (NUL characters, which
        JSONB cannot hold, become U+FFFD)."""
        values = {
            **vars(record),
            "status": record.status.value,
            "inputs": without_nul(record.inputs),
            "predictions": without_nul(record.predictions),
        }
        self._db.write("inference_log.add", _INSERT_INFERENCE, values)

    def recent(self, user_id: str, limit: int) -> list[InferenceLogEntry]:
        """The user's most recent invocations, newest first."""
        query = (
            select(ModelInferenceLogRow)
            .where(ModelInferenceLogRow.user_id == user_id)
            .order_by(ModelInferenceLogRow.created_at.desc(), ModelInferenceLogRow.id.desc())
            .limit(limit)
        )
        with self._db.session("inference_log.recent") as session:
            return [InferenceLogEntry.model_validate(r) for r in session.scalars(query)]
