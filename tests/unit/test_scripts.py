"""The command-line helpers."""

import io
import json
import sys

import pytest

from scripts import dba_logz


def test_logz_filters_by_request_and_level(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {
            "timestamp": "2026-01-01T10:00:00.000",
            "level": "INFO",
            "message": "GET /a 200",
            "request_id": "r1",
            "user_id": "alice@example.com",
            "duration_ms": 3.0,
        },
        {
            "timestamp": "2026-01-01T10:00:01.000",
            "level": "ERROR",
            "message": "boom",
            "request_id": "r2",
            "user_id": "bob@example.com",
            "error_type": "X",
        },
        "not json at all",
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    dba_logz.main(["--request-id", "r2"])
    out = capsys.readouterr().out
    assert "boom" in out and "error_type=X" in out
    assert "GET /a" not in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    dba_logz.main(["--level", "ERROR"])
    assert capsys.readouterr().out.count("\n") == 1
