"""dba_logz against a deployed app's log stream: a WebSocket server on loopback that speaks what
`<app-url>/logz/stream` speaks (search term in, JSON entries / text / keep-alives out)."""

import json
import threading
from collections.abc import Iterator

import pytest
from websockets.sync.server import ServerConnection, serve

from emulator.serve import free_port
from scripts import dba_logz

LINES = [
    {"level": "INFO", "message": "GET /a 200", "request_id": "r1", "user_id": "alice@example.com"},
    {"level": "ERROR", "message": "boom", "request_id": "r2", "error_type": "X"},
]


@pytest.fixture
def log_stream() -> Iterator[tuple[str, list[str]]]:
    """The stream's URL and what it received (the Authorization header, then the search term)."""
    received: list[str] = []

    def handler(connection: ServerConnection) -> None:
        if connection.request is None or connection.request.path != "/logz/stream":
            connection.close(4404)
            return
        received.append(connection.request.headers.get("Authorization", ""))
        received.append(str(connection.recv()))
        connection.send(b"\x00")
        for line in LINES:
            entry = {"source": "APP", "timestamp": 1.7e9, "message": json.dumps(line) + "\n"}
            connection.send(json.dumps(entry))
        connection.send("[SYSTEM] plain text line")
        connection.close()

    port = free_port()
    with serve(handler, "127.0.0.1", port) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{port}", received
        server.shutdown()
    thread.join(timeout=5)


def test_remote_logs_are_filtered_like_local_ones(
    log_stream: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, received = log_stream
    argv = ["--url", url, "--token", "tok", "--search", "boom", "--request-id", "r2"]
    assert dba_logz.main(argv) == 0
    out = capsys.readouterr().out
    assert "boom" in out and "error_type=X" in out
    assert "GET /a" not in out and "plain text" not in out
    assert received == ["Bearer tok", "boom"]


def test_stream_url_and_frames() -> None:
    assert dba_logz.stream_url("https://a-1.aws.databricksapps.com/") == (
        "wss://a-1.aws.databricksapps.com/logz/stream"
    )
    assert dba_logz.frame_text(b"\x00") is None
    assert dba_logz.frame_text('{"source": "APP", "message": "x"}') == "x"
    assert dba_logz.frame_text("plain") == "plain"
