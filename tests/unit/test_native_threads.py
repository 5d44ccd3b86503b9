"""Process start-up choices that do not need a running server."""

import os

import pytest

from server.native_threads import one_native_thread_per_call


def test_scoring_uses_one_openmp_thread_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    one_native_thread_per_call()
    assert os.environ["OMP_NUM_THREADS"] == "1"


def test_a_users_openmp_thread_count_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    one_native_thread_per_call()
    assert os.environ["OMP_NUM_THREADS"] == "4"
