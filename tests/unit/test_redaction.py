"""Secrets never reach a log line."""

import logging

from server.observability.logging import redact_text, redact_value
from tests.logs import capture_json_logs


def test_bearer_tokens_and_url_passwords_are_removed() -> None:
    text = redact_text("Authorization: Bearer dapi123abc url=postgresql://u:s3cret@host/db")
    assert "dapi123abc" not in text
    assert "s3cret" not in text
    assert "[REDACTED]" in text


def test_sensitive_keys_are_redacted_whole() -> None:
    assert redact_value("password", "hunter2") == "[REDACTED]"
    assert redact_value("headers", {"X-Forwarded-Access-Token": "abc"}) == {
        "X-Forwarded-Access-Token": "[REDACTED]"
    }
    assert redact_value("duration_ms", 3.5) == 3.5


def test_log_lines_with_secret_fields_are_scrubbed() -> None:
    with capture_json_logs() as logs:
        logging.getLogger("t").info(
            "connecting with token=tok-999 password=pw-888", extra={"client_secret": "cs-777"}
        )
    assert "tok-999" not in logs.text
    assert "pw-888" not in logs.text
    assert "cs-777" not in logs.text
