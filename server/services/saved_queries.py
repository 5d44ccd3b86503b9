"""The SQL editor's saved queries and run history, one user's own, in Lakebase."""

import asyncio
import logging
from typing import Any, Protocol

from server.adapters.identity.base import User
from server.db.jsonb import without_nul
from server.errors import SavedQueryNotFound
from server.models.sql_statements import QueryHistoryEntry, SavedQuery, SavedQueryCreate

logger = logging.getLogger(__name__)


class SavedQueryStore(Protocol):
    """Where saved queries live (server.db.sql_repositories.SavedQueryRepository)."""

    def list(self, user_id: str) -> list[Any]:
        """The user's saved queries (rows with SavedQuery's attributes)."""
        ...

    def save(self, user_id: str, name: str, query_text: str, chart: dict[str, Any] | None) -> Any:
        """Insert or replace the user's query of this name; the row."""
        ...

    def delete(self, user_id: str, query_id: int) -> bool:
        """Delete the user's query; whether it existed."""
        ...


class QueryHistoryStore(Protocol):
    """Where SQL runs are recorded (server.db.sql_repositories.QueryHistoryRepository)."""

    def add(self, user_id: str, **fields: Any) -> None:
        """Record one run."""
        ...

    def recent(self, user_id: str) -> list[Any]:
        """The user's last runs, newest first."""
        ...


class SavedQueriesService:
    """Saved queries (name, text, chart settings) and the last runs of the caller."""

    def __init__(self, saved: SavedQueryStore, history: QueryHistoryStore) -> None:
        self._saved = saved
        self._history = history

    async def saved(self, user: User) -> list[SavedQuery]:
        """The caller's saved queries."""
        rows = await asyncio.to_thread(self._saved.list, user.user_id)
        return [SavedQuery.model_validate(r) for r in rows]

    async def save(self, user: User, query: SavedQueryCreate) -> SavedQuery:
        """Save a query under its name, replacing the caller's query of the same name."""
        chart = query.chart.model_dump(mode="json") if query.chart else None
        row = await asyncio.to_thread(
            self._saved.save, user.user_id, query.name, query.query_text, chart
        )
        return SavedQuery.model_validate(row)

    async def delete(self, user: User, query_id: int) -> None:
        """Delete one of the caller's saved queries, or SavedQueryNotFound."""
        if not await asyncio.to_thread(self._saved.delete, user.user_id, query_id):
            raise SavedQueryNotFound(f"You have no saved query {query_id}.", query_id=query_id)

    async def history(self, user: User) -> list[QueryHistoryEntry]:
        """The caller's last runs, newest first."""
        rows = await asyncio.to_thread(self._history.recent, user.user_id)
        return [QueryHistoryEntry.model_validate(r) for r in rows]

    async def record(self, user_id: str, **fields: Any) -> None:
        """Add a run to the history; a history that cannot be written never fails the run."""
        try:
            await asyncio.to_thread(self._history.add, user_id, **without_nul(fields))
        except Exception as exc:
            logger.warning("could not record SQL history", extra={"error_type": type(exc).__name__})
