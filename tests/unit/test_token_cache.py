"""The Lakebase credential cache on a controlled clock, and both minters on fake SDK clients."""

import threading
import time
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from server.db import credentials
from server.db.credentials import (
    Credential,
    TokenCache,
    autoscaling_minter,
    provisioned_minter,
)


class Clock:
    """Wall-clock seconds that only move when a test says so."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.elapsed = 100.0

    def time(self) -> float:
        return self.now

    def perf_counter(self) -> float:
        return self.elapsed


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(
        credentials, "time", SimpleNamespace(time=fake.time, perf_counter=fake.perf_counter)
    )
    return fake


class Minter:
    """Mints `token-1`, `token-2`, ... each valid for `lifetime` seconds from the clock's now."""

    def __init__(self, clock: Clock, lifetime: float = 3600.0, delay: float = 0.0) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.delay = delay
        self.calls = 0

    def __call__(self) -> Credential:
        self.calls += 1
        self.clock.elapsed += 0.0123456
        if self.delay:
            time.sleep(self.delay)
        return Credential(f"token-{self.calls}", self.clock.now + self.lifetime)


def test_a_fresh_token_is_served_from_the_cache(clock: Clock) -> None:
    mint = Minter(clock)
    cache = TokenCache(mint, margin_seconds=300)
    first = cache.credential()
    clock.now += 3000
    assert cache.credential() is first
    assert mint.calls == 1
    assert cache.refreshes == 1


def test_each_refresh_counts_one_in_the_refresh_metric(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    added: list[int] = []
    monkeypatch.setattr(credentials, "TOKEN_REFRESHES", SimpleNamespace(add=added.append))
    cache = TokenCache(Minter(clock), margin_seconds=300)
    cache.credential()
    cache.credential()
    clock.now += 3300
    cache.credential()
    assert added == [1, 1]


def test_a_token_inside_the_margin_is_replaced(clock: Clock) -> None:
    mint = Minter(clock)
    cache = TokenCache(mint, margin_seconds=300)
    cache.credential()
    clock.now += 3299
    assert cache.credential().token == "token-1"
    clock.now += 1  # exactly `margin` seconds before expiry: no longer fresh
    assert cache.credential().token == "token-2"
    assert (mint.calls, cache.refreshes) == (2, 2)


def test_a_token_minted_already_stale_is_minted_again_next_call(clock: Clock) -> None:
    mint = Minter(clock, lifetime=100)
    cache = TokenCache(mint, margin_seconds=300)
    assert cache.credential().token == "token-1"
    assert cache.credential().token == "token-2"


def test_concurrent_callers_share_one_refresh(clock: Clock) -> None:
    mint = Minter(clock, delay=0.05)
    cache = TokenCache(mint, margin_seconds=300)
    tokens: list[str] = []
    barrier = threading.Barrier(8)

    def call() -> None:
        barrier.wait()
        tokens.append(cache.credential().token)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tokens == ["token-1"] * 8
    assert mint.calls == 1


def test_a_fresh_token_is_served_while_a_refresh_holds_the_lock(clock: Clock) -> None:
    cache = TokenCache(Minter(clock), margin_seconds=300)
    cache.credential()
    served: list[str] = []
    reader = threading.Thread(target=lambda: served.append(cache.credential().token))
    with cache._lock:
        reader.start()
        reader.join(timeout=5)
        assert served == ["token-1"]
    reader.join()


def test_a_failed_mint_is_not_cached(clock: Clock) -> None:
    calls: list[int] = []

    def mint() -> Credential:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("workspace down")
        return Credential("ok", clock.now + 3600)

    cache = TokenCache(mint, margin_seconds=0)
    with pytest.raises(RuntimeError):
        cache.credential()
    assert cache.credential().token == "ok"
    assert cache.refreshes == 1


def test_a_refresh_is_logged_without_the_token(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = TokenCache(Minter(clock, lifetime=1200), margin_seconds=60)
    with caplog.at_level("INFO", logger="server.db.credentials"):
        cache.credential()
    (record,) = caplog.records
    assert record.getMessage() == "lakebase credential refreshed"
    assert record.__dict__["valid_for_seconds"] == 1200
    assert record.__dict__["refresh_count"] == 1
    assert record.__dict__["duration_ms"] == 12.35
    assert "token-1" not in caplog.text


@dataclass
class FakeDatabase:
    """`client.database` (Lakebase Provisioned)."""

    answer: Any
    calls: list[dict[str, Any]] = field(default_factory=list)

    def generate_database_credential(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.answer


def test_provisioned_minter_asks_for_its_instance_with_a_new_request_id() -> None:
    answer = SimpleNamespace(token="pg-token", expiration_time="2030-01-02T03:04:05Z")
    database = FakeDatabase(answer)
    mint = provisioned_minter(SimpleNamespace(database=database), "my-instance")  # type: ignore[arg-type]
    assert mint() == Credential("pg-token", 1893553445.0)
    mint()
    assert [c["instance_names"] for c in database.calls] == [["my-instance"], ["my-instance"]]
    ids = [c["request_id"] for c in database.calls]
    assert len(set(ids)) == 2
    assert all(str(uuid.UUID(i)) == i for i in ids)


def test_provisioned_expiration_with_an_offset_is_read_as_that_instant() -> None:
    answer = SimpleNamespace(token="t", expiration_time="2030-01-02T05:04:05+02:00")
    mint = provisioned_minter(SimpleNamespace(database=FakeDatabase(answer)), "i")  # type: ignore[arg-type]
    assert mint().expires_at == 1893553445.0


@pytest.mark.parametrize(
    "answer",
    [
        SimpleNamespace(token=None, expiration_time="2030-01-02T03:04:05Z"),
        SimpleNamespace(token="", expiration_time="2030-01-02T03:04:05Z"),
        SimpleNamespace(token="t", expiration_time=None),
    ],
)
def test_provisioned_credential_without_token_or_expiry_is_refused(answer: Any) -> None:
    mint = provisioned_minter(SimpleNamespace(database=FakeDatabase(answer)), "i")  # type: ignore[arg-type]
    with pytest.raises(
        RuntimeError, match=r"^Lakebase returned a credential without token or expiration_time$"
    ):
        mint()


@dataclass
class FakePostgres:
    """`client.postgres` (Lakebase Autoscaling)."""

    answer: Any
    calls: list[dict[str, Any]] = field(default_factory=list)

    def generate_database_credential(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.answer


def test_autoscaling_minter_reads_the_protobuf_timestamp() -> None:
    expire = SimpleNamespace(seconds=1893553445, nanos=500_000_000)
    postgres = FakePostgres(SimpleNamespace(token="pg", expire_time=expire))
    mint = autoscaling_minter(SimpleNamespace(postgres=postgres), "projects/p/endpoints/e")  # type: ignore[arg-type]
    assert mint() == Credential("pg", 1893553445.5)
    assert postgres.calls == [{"endpoint": "projects/p/endpoints/e"}]


def test_autoscaling_nanos_are_billionths() -> None:
    expire = SimpleNamespace(seconds=0, nanos=500_000_000)
    postgres = FakePostgres(SimpleNamespace(token="pg", expire_time=expire))
    mint = autoscaling_minter(SimpleNamespace(postgres=postgres), "e")  # type: ignore[arg-type]
    assert mint().expires_at == 0.5


def test_autoscaling_zero_timestamp_is_an_expiry_not_a_missing_one() -> None:
    postgres = FakePostgres(
        SimpleNamespace(token="pg", expire_time=SimpleNamespace(seconds=0, nanos=0))
    )
    mint = autoscaling_minter(SimpleNamespace(postgres=postgres), "e")  # type: ignore[arg-type]
    assert mint() == Credential("pg", 0.0)


@pytest.mark.parametrize(
    "answer",
    [
        SimpleNamespace(token=None, expire_time=SimpleNamespace(seconds=1, nanos=0)),
        SimpleNamespace(token="", expire_time=SimpleNamespace(seconds=1, nanos=0)),
        SimpleNamespace(token="t", expire_time=None),
    ],
)
def test_autoscaling_credential_without_token_or_expiry_is_refused(answer: Any) -> None:
    mint = autoscaling_minter(SimpleNamespace(postgres=FakePostgres(answer)), "e")  # type: ignore[arg-type]
    with pytest.raises(
        RuntimeError, match=r"^Lakebase returned a credential without token or expire_time$"
    ):
        mint()
