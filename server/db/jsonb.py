"""PostgreSQL's JSONB cannot hold the NUL character (\\u0000), in keys or in strings."""

from typing import Any

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    """True when a JSON value has a NUL character anywhere."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(v) for v in value)
    return False


def without_nul(value: Any) -> Any:
    """The same JSON value with each NUL replaced by U+FFFD, for logs that must always be written."""
    if isinstance(value, str):
        return value.replace(NUL, "\ufffd")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value
