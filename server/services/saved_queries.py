"""The SQL editor's saved queries and run history, one user's own, in Lakebase."""

import asyncio
import logging
from typing import Any

from server.adapters.identity.base import User
from server.db.jsonb import without_nul
from server.db.sql_repositories import QueryHistoryRepository, SavedQueryRepository
from server.errors import SavedQueryNotFound
from server.models.sql import QueryHistoryEntry, SavedQuery, SavedQueryCreate

logger = logging.getLogger(__name__)


class SavedQueriesService:
    """Saved queries (name, text, chart settings) and the last runs of the caller."""

    def __init__(self, saved: SavedQueryRepository, history: QueryHistoryRepository) -> None:
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
