"""One cache for everything the databricks adapters keep per caller token (user clients, profiles).

Keys are SHA-256 digests, so no token is held as a dict key in memory dumps or logs; entries expire
after `ttl_seconds` and the least recently used one goes first when the cache is full.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


def token_key(token: str) -> str:
    """The cache key of a token: its SHA-256 digest."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenKeyedCache(Generic[V]):
    """A thread-safe LRU cache with a time to live, keyed by caller token."""

    def __init__(
        self, max_entries: int, ttl_seconds: float, clock: Callable[[], float] | None = None
    ) -> None:
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, token: str) -> V | None:
        """The live value cached for `token`, or None (an expired entry is dropped)."""
        key = token_key(token)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if expires_at <= self._clock():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, token: str, value: V) -> None:
        """Cache `value` for `token`, evicting the least recently used entries beyond the limit."""
        key = token_key(token)
        with self._lock:
            self._entries[key] = (self._clock() + self._ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
