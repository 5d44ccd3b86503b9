"""JSON (or human-readable) log lines with request context and secret redaction."""

import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from server.observability.context import request_id_var, user_id_var
from server.observability.telemetry import current_trace_ids, operation

SENSITIVE_KEYS = re.compile(
    r"(authorization|access[_-]?token|token|password|passwd|secret|api[_-]?key|cookie)", re.I
)
_SECRET_PATTERNS = [
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [REDACTED]"),
    (re.compile(r"(?i)(://[^:/@\s]+:)[^@\s]+@"), r"\1[REDACTED]@"),
    (
        re.compile(
            r"(?i)((?:x-forwarded-access-)?token|password|secret|authorization)"
            r"(\"?'?\s*[:=]\s*\"?'?)[^\s\"',}&]+"
        ),
        r"\1\2[REDACTED]",
    ),
]
_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


def redact_text(text: str) -> str:
    """Remove tokens, passwords and credentials from free text."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(key: str, value: Any) -> Any:
    """Redact a structured field: whole value for sensitive keys, patterns inside strings."""
    if SENSITIVE_KEYS.search(key) and not key.endswith(("_count", "_ms", "_at", "_seconds")):
        return "[REDACTED]"
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    return value


def _record_fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
        "level": record.levelname,
        "message": redact_text(record.getMessage()),
        "logger": record.name,
        "module": record.module,
        "function": record.funcName,
        "request_id": request_id_var.get(),
        "user_id": user_id_var.get(),
    }
    ids = current_trace_ids()
    if ids:
        fields["trace_id"], fields["span_id"] = ids
    for key, value in record.__dict__.items():
        if key not in _STANDARD_ATTRS and not key.startswith("_"):
            fields[key] = redact_value(key, value)
    if record.exc_info:
        fields["error_type"] = fields.get("error_type") or getattr(
            record.exc_info[0], "__name__", None
        )
        fields["stack_trace"] = redact_text(logging.Formatter().formatException(record.exc_info))
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_record_fields(record), default=str)


class TextFormatter(logging.Formatter):
    """A compact human-readable line for local development."""

    def format(self, record: logging.LogRecord) -> str:
        fields = _record_fields(record)
        head = f"{fields.pop('timestamp')[11:23]} {fields.pop('level'):<7} {fields.pop('message')}"
        stack = fields.pop("stack_trace", None)
        for key in ("logger", "module", "function"):
            fields.pop(key)
        extras = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
        return f"{head}  {extras}" + (f"\n{stack}" if stack else "")


def configure_logging(level: str, log_format: str) -> None:
    """Route every logger (ours, uvicorn's, the SDK's) through one formatted stdout handler."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    for noisy in ("databricks.sdk", "urllib3", "httpx", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


@contextmanager
def timed(logger: logging.Logger, message: str, **fields: Any) -> Iterator[dict[str, Any]]:
    """Log `message` with duration_ms when the block ends, inside a span of that name; failures
    are logged at ERROR. The yielded dict can be updated inside the block to add fields to the line.
    """
    start = time.perf_counter()
    try:
        with operation(message, **fields):
            yield fields
    except Exception as exc:
        fields["duration_ms"] = round((time.perf_counter() - start) * 1000, 2)
        fields["error_type"] = type(exc).__name__
        logger.error(f"{message} failed: {exc}", extra=fields)
        raise
    fields["duration_ms"] = round((time.perf_counter() - start) * 1000, 2)
    logger.info(message, extra=fields)
