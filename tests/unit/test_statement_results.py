"""The statement result store: owner-only reads, a time to live, and a byte budget."""

import pytest

from server.errors import StatementNotFound
from server.models.catalog import ColumnMeta
from server.services.statement_results import StatementResults, measure

COLUMNS = [ColumnMeta("n", "INT", "int", 0, True)]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_another_users_id_reads_as_not_found() -> None:
    store = StatementResults(10_000, 60)
    store.put("s1", "alice@example.com", "value")
    assert store.get("s1", "ALICE@example.com") == "value"
    with pytest.raises(StatementNotFound):
        store.get("s1", "bob@example.com")


def test_results_expire_after_their_last_use() -> None:
    clock = Clock()
    store = StatementResults(10_000, 60, clock)
    store.put("s1", "a", "value")
    clock.now = 59
    assert store.get("s1", "a") == "value"
    clock.now = 118
    assert store.get("s1", "a") == "value"
    clock.now = 179
    with pytest.raises(StatementNotFound):
        store.get("s1", "a")


def test_the_least_recently_used_results_leave_first_when_over_budget() -> None:
    store = StatementResults(1_000, 60)
    for name in ("s1", "s2", "s3"):
        store.put(name, "a", name)
        store.resize(name, 400)
    with pytest.raises(StatementNotFound):
        store.get("s1", "a")
    assert store.get("s2", "a") == "s2"
    assert store.used_bytes == 800


def test_a_result_larger_than_its_share_is_cut_and_marked_truncated() -> None:
    rows = [[i] for i in range(1_000)]
    kept = measure(COLUMNS, rows, False, 2_000)
    assert 0 < len(kept.rows) < 1_000
    assert kept.truncated
    assert kept.size_bytes <= 2_000
    whole = measure(COLUMNS, rows[:5], False, 2_000)
    assert (len(whole.rows), whole.truncated) == (5, False)
