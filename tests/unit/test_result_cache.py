"""The kept-results cache: time to live, byte budget (least recently used first), owners."""

from server.services.result_cache import ResultCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cache(budget: int = 100, ttl: float = 60.0) -> tuple[ResultCache[str], Clock, list[str]]:
    clock, released = Clock(), list[str]()
    return ResultCache(budget, ttl, on_evict=released.append, clock=clock), clock, released


def test_a_result_expires_after_its_time_to_live_and_is_released() -> None:
    results, clock, released = cache(ttl=60)
    kept = results.put("alice", "k", "table-1", 10)
    assert kept.expires_at == 1060.0
    clock.now = 1059.9
    assert results.get(kept.id, "alice") == kept
    clock.now = 1060.0
    assert results.get(kept.id, "alice") is None
    assert released == ["table-1"]
    assert results.used_bytes == 0


def test_the_byte_budget_evicts_the_least_recently_used() -> None:
    results, _, released = cache(budget=100)
    first = results.put("alice", "a", "first", 40)
    second = results.put("alice", "b", "second", 40)
    assert results.get(first.id, "alice") is not None  # first is now the most recent
    third = results.put("alice", "c", "third", 40)
    assert released == ["second"]
    assert results.get(second.id, "alice") is None
    assert {results.get(k.id, "alice") is not None for k in (first, third)} == {True}
    assert results.used_bytes == 80


def test_a_result_larger_than_the_budget_is_never_kept() -> None:
    results, _, released = cache(budget=100)
    kept = results.put("alice", "a", "huge", 101)
    assert results.get(kept.id, "alice") is None
    assert released == ["huge"]
    assert len(results) == 0


def test_results_belong_to_their_owner() -> None:
    results, _, _ = cache()
    kept = results.put("alice", "k", "t", 1)
    assert results.get(kept.id, "bob") is None
    assert results.find("bob", "k") is None
    assert results.find("alice", "k") == kept


def test_find_returns_the_newest_result_of_a_statement_and_discard_forgets_it() -> None:
    results, _, released = cache()
    results.put("alice", "k", "old", 1)
    newer = results.put("alice", "k", "new", 1)
    assert results.find("alice", "k") == newer
    results.discard(newer.id)
    assert released == ["new"]
    assert results.find("alice", "k") is None
    results.clear()
    assert released == ["new", "old"]
