"""The SQL editor's rows in Lakebase: saved queries and run history, always one user's own."""

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from server.db.engine import Database
from server.db.orm import SavedQueryRow, SqlQueryHistoryRow

HISTORY_KEPT = 50


class SavedQueryRepository:
    """A user's saved queries; no method reaches another user's rows."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def list(self, user_id: str) -> list[SavedQueryRow]:
        """The user's saved queries, by name."""
        query = (
            select(SavedQueryRow)
            .where(SavedQueryRow.user_id == user_id)
            .order_by(SavedQueryRow.name)
        )
        with self._db.session("saved_queries.list") as session:
            rows = list(session.scalars(query))
            session.expunge_all()
            return rows

    def save(
        self, user_id: str, name: str, query_text: str, chart: dict[str, Any] | None
    ) -> SavedQueryRow:
        """Insert, or replace the text and chart of the user's query with this name."""
        statement = (
            insert(SavedQueryRow)
            .values(user_id=user_id, name=name, query_text=query_text, chart=chart)
            .on_conflict_do_update(
                constraint="uq_saved_query_name",
                set_={"query_text": query_text, "chart": chart, "updated_at": func.now()},
            )
            .returning(SavedQueryRow)
        )
        with self._db.session("saved_queries.save") as session:
            row = session.scalars(statement).one()
            session.expunge(row)
            return row

    def delete(self, user_id: str, query_id: int) -> bool:
        """Delete one of the user's saved queries; False when they have none with this id."""
        statement = delete(SavedQueryRow).where(
            SavedQueryRow.user_id == user_id, SavedQueryRow.id == query_id
        )
        with self._db.session("saved_queries.delete") as session:
            return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


class QueryHistoryRepository:
    """The user's last runs; older ones are deleted as new ones arrive."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, user_id: str, **fields: Any) -> None:
        """Record one run and keep only the user's latest `HISTORY_KEPT`."""
        newest = (
            select(SqlQueryHistoryRow.id)
            .where(SqlQueryHistoryRow.user_id == user_id)
            .order_by(SqlQueryHistoryRow.id.desc())
            .limit(HISTORY_KEPT)
        )
        with self._db.session("sql_history.add") as session:
            session.add(SqlQueryHistoryRow(user_id=user_id, **fields))
            session.flush()
            session.execute(
                delete(SqlQueryHistoryRow).where(
                    SqlQueryHistoryRow.user_id == user_id,
                    SqlQueryHistoryRow.id.not_in(newest.scalar_subquery()),
                )
            )

    def recent(self, user_id: str) -> list[SqlQueryHistoryRow]:
        """The user's runs, newest first."""
        query = (
            select(SqlQueryHistoryRow)
            .where(SqlQueryHistoryRow.user_id == user_id)
            .order_by(SqlQueryHistoryRow.id.desc())
            .limit(HISTORY_KEPT)
        )
        with self._db.session("sql_history.recent") as session:
            rows = list(session.scalars(query))
            session.expunge_all()
            return rows
