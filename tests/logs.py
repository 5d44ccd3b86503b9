"""Capture the app's log lines exactly as the JSON formatter writes them."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.observability.logging import JsonFormatter


class CapturedLogs:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        """Everything written, raw."""
        return self._stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        """Each line parsed as JSON (fails if a line is not JSON)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@contextmanager
def capture_json_logs(level: int = logging.DEBUG) -> Iterator[CapturedLogs]:
    """Attach a JSON handler to the root logger for the block."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield CapturedLogs(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
