"""The real server process exports its spans over OTLP/HTTP when (and because) the standard
OTEL_* variables name an endpoint, and flushes them when stopped with SIGTERM."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from emulator.serve import free_port
from tests.e2e.server_process import running_server


class _Receiver(BaseHTTPRequestHandler):
    """Accepts OTLP/HTTP protobuf trace exports and keeps them."""

    exports: ClassVar[list[ExportTraceServiceRequest]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/traces":
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            self.exports.append(request)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[ExportTraceServiceRequest]]]:
    _Receiver.exports = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Receiver.exports
    server.shutdown()
    thread.join(timeout=5)


def test_spans_reach_an_otlp_receiver(
    receiver: tuple[str, list[ExportTraceServiceRequest]],
) -> None:
    endpoint, exports = receiver
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_SERVICE_NAME": "template-under-test",
    }
    with running_server(env) as url:
        headers = {"X-Request-ID": "otlp-1", "X-Forwarded-Email": "alice@example.com"}
        assert httpx.get(f"{url}/api/user/me", headers=headers).status_code == 200
    spans = [
        (resource, span)
        for export in exports
        for resource in export.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    server_spans = [
        (resource, span)
        for resource, span in spans
        if any(
            a.key == "app.request_id" and a.value.string_value == "otlp-1" for a in span.attributes
        )
    ]
    assert len(server_spans) == 1, [span.name for _, span in spans]
    resource, span = server_spans[0]
    attributes = {a.key: a.value.string_value for a in span.attributes}
    assert attributes["enduser.id"] == "alice@example.com"
    service = {a.key: a.value.string_value for a in resource.resource.attributes}["service.name"]
    assert service == "template-under-test"
