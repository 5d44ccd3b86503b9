"""Where finished SQL statement results live between pages: in memory, bounded in bytes and time.

Each statement belongs to the user who ran it; another user's id reads as "not found". A result
expires `ttl_seconds` after its last use, and when the byte budget is exceeded the least recently
used results are dropped first. One result may take at most a quarter of the budget: rows beyond
that are cut and the result is marked truncated (as Databricks does for `byte_limit`).
"""

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from server.errors import StatementNotFound
from server.models.catalog import ColumnMeta

_ROW_OVERHEAD_BYTES = 64


@dataclass
class StoredResult:
    """The rows of one finished statement and what they cost."""

    columns: list[ColumnMeta]
    rows: list[list[Any]]
    truncated: bool
    size_bytes: int


def _row_bytes(row: list[Any]) -> int:
    return len(json.dumps(row, default=str)) + _ROW_OVERHEAD_BYTES


def measure(
    columns: list[ColumnMeta], rows: list[list[Any]], truncated: bool, max_bytes: int
) -> StoredResult:
    """Size the rows, keeping only the leading rows that fit in `max_bytes`."""
    size = 0
    for index, row in enumerate(rows):
        cost = _row_bytes(row)
        if size + cost > max_bytes:
            return StoredResult(columns, rows[:index], True, size)
        size += cost
    return StoredResult(columns, rows, truncated, size)


@dataclass
class _Entry:
    user_id: str
    value: Any
    size_bytes: int = 0
    last_used: float = field(default=0.0)


class StatementResults:
    """Statement records by id, per owner, within a byte budget and a time to live."""

    def __init__(
        self, max_bytes: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_bytes = max_bytes
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def max_result_bytes(self) -> int:
        """The most one result may take."""
        return self.max_bytes // 4

    @property
    def used_bytes(self) -> int:
        """Bytes held by stored results now."""
        with self._lock:
            return sum(e.size_bytes for e in self._entries.values())

    def put(self, statement_id: str, user_id: str, value: Any) -> None:
        """Remember a statement for its owner (its result is sized later with `resize`)."""
        with self._lock:
            self._entries[statement_id] = _Entry(user_id, value, 0, self._clock())
            self._evict()

    def resize(self, statement_id: str, size_bytes: int) -> None:
        """Record what a statement's stored result costs, and evict others to stay in budget."""
        with self._lock:
            entry = self._entries.get(statement_id)
            if entry is not None:
                entry.size_bytes = size_bytes
                self._entries.move_to_end(statement_id)
                self._evict()

    def get(self, statement_id: str, user_id: str) -> Any:
        """The owner's statement, or StatementNotFound (also for another user's id)."""
        with self._lock:
            self._evict()
            entry = self._entries.get(statement_id)
            if entry is None or entry.user_id.lower() != user_id.lower():
                raise StatementNotFound(statement_id=statement_id)
            entry.last_used = self._clock()
            self._entries.move_to_end(statement_id)
            return entry.value

    def _evict(self) -> None:
        expired_before = self._clock() - self._ttl
        for key in [k for k, e in self._entries.items() if e.last_used < expired_before]:
            del self._entries[key]
        total = sum(e.size_bytes for e in self._entries.values())
        while total > self.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            total -= dropped.size_bytes
