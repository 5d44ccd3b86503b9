"""Lakebase OAuth credentials: minted through the SDK, cached, refreshed before they expire.

Tokens live about an hour. `TokenCache.token()` returns a cached token until `margin` seconds before
its expiry, then mints a new one; concurrent callers wait for the single refresh in flight.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from server.observability.telemetry import TOKEN_REFRESHES

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Credential:
    """A database password and when it stops working (epoch seconds)."""

    token: str
    expires_at: float


Minter = Callable[[], Credential]


def _epoch(rfc3339: str) -> float:
    # Python 3.11's fromisoformat reads RFC 3339, the `Z` suffix included.
    return datetime.fromisoformat(rfc3339).timestamp()


def provisioned_minter(client: "WorkspaceClient", instance_name: str) -> Minter:
    """Lakebase Provisioned: POST /api/2.0/database/credentials for one instance."""

    def mint() -> Credential:
        credential = client.database.generate_database_credential(
            instance_names=[instance_name], request_id=str(uuid.uuid4())
        )
        if not credential.token or not credential.expiration_time:
            raise RuntimeError("Lakebase returned a credential without token or expiration_time")
        return Credential(credential.token, _epoch(credential.expiration_time))

    return mint


def autoscaling_minter(client: "WorkspaceClient", endpoint: str) -> Minter:
    """Lakebase Autoscaling: POST /api/2.0/postgres/credentials (its field is `expire_time`)."""

    def mint() -> Credential:
        credential = client.postgres.generate_database_credential(endpoint=endpoint)
        if not credential.token or credential.expire_time is None:
            raise RuntimeError("Lakebase returned a credential without token or expire_time")
        # A protobuf Timestamp: epoch seconds and nanos, whatever the local time zone.
        expire = credential.expire_time
        return Credential(credential.token, expire.seconds + expire.nanos / 1e9)

    return mint


class TokenCache:
    """A thread-safe cached credential, refreshed `margin_seconds` before expiry."""

    def __init__(self, mint: Minter, margin_seconds: float) -> None:
        self._mint = mint
        self._margin = margin_seconds
        self._lock = threading.Lock()
        self._current: Credential | None = None
        self.refreshes = 0

    def _fresh(self) -> Credential | None:
        current = self._current
        if current and current.expires_at - self._margin > time.time():
            return current
        return None

    def credential(self) -> Credential:
        """A credential valid for at least the margin; mints one when needed (once for all)."""
        fresh = self._fresh()
        if fresh:
            return fresh
        with self._lock:
            fresh = self._fresh()
            if fresh:
                return fresh
            started = time.perf_counter()
            self._current = self._mint()
            self.refreshes += 1
            TOKEN_REFRESHES.add(1)
            logger.info(
                "lakebase credential refreshed",
                extra={
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "valid_for_seconds": round(self._current.expires_at - time.time()),
                    "refresh_count": self.refreshes,
                },
            )
            return self._current
