"""Kept statement results: an LRU bounded by a total byte budget and a time to live.

A result belongs to the user who ran it and is found by its id (the `query_id` clients page with)
or by the statement that produced it. The cache holds opaque values; what a value is (a
materialised table, a warehouse statement's manifest) is the caller's business, and `on_evict`
lets the caller release it. Not thread-safe: use it from the event loop only.
"""

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True)
class Kept(Generic[V]):
    """One kept result: its id, owner, the statement key, its size and when it expires."""

    id: str
    owner: str
    key: Hashable
    value: V
    size_bytes: int
    expires_at: float  # wall-clock seconds since the epoch


class ResultCache(Generic[V]):
    """Keeps at most `budget_bytes` of results, each for at most `ttl_seconds`."""

    def __init__(
        self,
        budget_bytes: int,
        ttl_seconds: float,
        on_evict: Callable[[V], None] = lambda _value: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._budget = budget_bytes
        self._ttl = ttl_seconds
        self._on_evict = on_evict
        self._clock = clock
        self._entries: OrderedDict[str, Kept[V]] = OrderedDict()
        self._by_key: dict[tuple[str, Hashable], str] = {}
        self._used = 0

    @property
    def used_bytes(self) -> int:
        """Bytes held by the live entries."""
        return self._used

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, owner: str, key: Hashable, value: V, size_bytes: int) -> Kept[V]:
        """Keep a result; evicts expired, then least recently used, entries to stay in budget.
        A result larger than the whole budget is released at once and never kept."""
        self._expire()
        kept = Kept(str(uuid.uuid4()), owner, key, value, size_bytes, self._clock() + self._ttl)
        if size_bytes > self._budget:
            self._on_evict(value)
            return kept
        while self._entries and self._used + size_bytes > self._budget:
            self._drop(next(iter(self._entries)))
        self._entries[kept.id] = kept
        self._by_key[(owner, key)] = kept.id
        self._used += size_bytes
        return kept

    def get(self, result_id: str, owner: str) -> Kept[V] | None:
        """A live result of this owner by id (other owners' results are not found)."""
        self._expire()
        kept = self._entries.get(result_id)
        if kept is None or kept.owner != owner:
            return None
        self._entries.move_to_end(result_id)
        return kept

    def find(self, owner: str, key: Hashable) -> Kept[V] | None:
        """The newest live result of this owner for the statement `key`."""
        self._expire()
        result_id = self._by_key.get((owner, key))
        return self.get(result_id, owner) if result_id else None

    def discard(self, result_id: str) -> None:
        """Forget a result (for example when its backend no longer has it)."""
        if result_id in self._entries:
            self._drop(result_id)

    def clear(self) -> None:
        """Release every result."""
        for result_id in list(self._entries):
            self._drop(result_id)

    def _expire(self) -> None:
        now = self._clock()
        for result_id in [i for i, k in self._entries.items() if k.expires_at <= now]:
            self._drop(result_id)

    def _drop(self, result_id: str) -> None:
        kept = self._entries.pop(result_id)
        if self._by_key.get((kept.owner, kept.key)) == result_id:
            del self._by_key[(kept.owner, kept.key)]
        self._used -= kept.size_bytes
        self._on_evict(kept.value)
