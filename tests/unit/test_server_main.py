"""`python -m server` start-up choices that do not need a running server."""

import os

import pytest

from server.__main__ import _one_native_thread_per_call


def test_scoring_uses_one_openmp_thread_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    _one_native_thread_per_call()
    assert os.environ["OMP_NUM_THREADS"] == "1"


def test_a_users_openmp_thread_count_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    _one_native_thread_per_call()
    assert os.environ["OMP_NUM_THREADS"] == "4"
