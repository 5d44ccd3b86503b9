"""OpenTelemetry in the running app: one trace per request with child spans for SQL, Unity Catalog
statements and model calls; the request's log lines carry its trace id; metrics are recorded."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from server.observability.telemetry import _wants, configure_telemetry, export_spans
from tests.logs import capture_json_logs

ALICE = {"X-Forwarded-Email": "alice@example.com"}
_READER = InMemoryMetricReader()


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    """Every finished span, from the process's tracer provider (the one the app installs)."""
    configure_telemetry()
    assert isinstance(trace.get_tracer_provider(), TracerProvider)
    exporter = InMemorySpanExporter()
    export_spans(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture(scope="module")
def metric_reader() -> InMemoryMetricReader:
    """Without OTEL_* variables the app installs no meter provider; the test installs one."""
    metrics.set_meter_provider(MeterProvider(metric_readers=[_READER]))
    return _READER


@pytest.fixture
def traced(spans: InMemorySpanExporter, local_client: TestClient) -> Iterator[TestClient]:
    spans.clear()
    yield local_client


def _trace_of(spans: InMemorySpanExporter, request_id: str) -> list[ReadableSpan]:
    servers = [
        s
        for s in spans.get_finished_spans()
        if s.kind == trace.SpanKind.SERVER
        and (s.attributes or {}).get("app.request_id") == request_id
    ]
    assert len(servers) == 1, [s.name for s in spans.get_finished_spans()]
    trace_id = servers[0].context.trace_id
    return [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]


def _hex(span: ReadableSpan) -> str:
    return format(span.context.trace_id, "032x")


def test_query_is_one_trace_with_statement_span_and_logged_trace_id(
    traced: TestClient, spans: InMemorySpanExporter
) -> None:
    with capture_json_logs() as logs:
        response = traced.post(
            "/api/unity-catalog/query",
            json={"catalog": "main", "schema": "samples", "table": "orders", "limit": 3},
            headers={**ALICE, "X-Request-ID": "trace-query-1"},
        )
    assert response.status_code == 200
    family = _trace_of(spans, "trace-query-1")
    server = next(s for s in family if s.kind == trace.SpanKind.SERVER)
    assert server.attributes["enduser.id"] == "alice@example.com"  # type: ignore[index]
    assert server.attributes["http.route"] == "/api/unity-catalog/query"  # type: ignore[index]
    statement = next(s for s in family if s.name == "uc statement")
    assert statement.parent is not None
    assert statement.attributes["app.table"] == "main.samples.orders"  # type: ignore[index]
    lines = [line for line in logs.lines() if line.get("request_id") == "trace-query-1"]
    assert lines and {line["trace_id"] for line in lines} == {_hex(server)}


def test_model_invocation_has_model_and_sql_child_spans(
    traced: TestClient, spans: InMemorySpanExporter
) -> None:
    response = traced.post(
        "/api/model-serving/invoke",
        json={
            "endpoint_name": "taxi-fare-regressor",
            "inputs": {"trip_distance": 3.2, "trip_duration_minutes": 14, "pickup_hour": 8},
        },
        headers={**ALICE, "X-Request-ID": "trace-invoke-1"},
    )
    assert response.status_code == 200, response.text
    family = _trace_of(spans, "trace-invoke-1")
    model = next(s for s in family if s.name == "model invoke")
    assert model.attributes["app.endpoint_name"] == "taxi-fare-regressor"  # type: ignore[index]
    sql = [
        s for s in family if s.kind == trace.SpanKind.CLIENT and "db.system" in str(s.attributes)
    ]
    assert sql, [s.name for s in family]  # the inference log row, written by SQLAlchemy


def test_metrics_are_recorded(traced: TestClient, metric_reader: InMemoryMetricReader) -> None:
    traced.get("/api/preferences", headers=ALICE)
    traced.post(
        "/api/unity-catalog/query",
        json={"catalog": "main", "schema": "samples", "table": "orders", "limit": 1},
        headers=ALICE,
    )
    traced.post(
        "/api/model-serving/invoke",
        json={"endpoint_name": "no-such-endpoint", "inputs": {"x": 1}},
        headers=ALICE,
    )
    names: dict[str, Any] = {}
    data = metric_reader.get_metrics_data()
    assert data is not None
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                names[metric.name] = metric
    assert "app.unity_catalog.statement.duration" in names
    assert "db.client.connections.usage" in names
    assert any(name.startswith("http.server") and "duration" in name for name in names), names
    errors = names["app.model_serving.invoke.errors"].data.data_points
    assert {"endpoint": "unknown", "error_code": "ENDPOINT_NOT_FOUND"} in [
        dict(p.attributes) for p in errors
    ]


@pytest.mark.parametrize(
    ("environ", "traces", "metrics_"),
    [
        ({}, False, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4314"}, True, True),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318", "OTEL_METRICS_EXPORTER": "none"},
            True,
            False,
        ),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://x:4318/v1/traces"}, True, False),
    ],
)
def test_export_follows_the_standard_variables(
    environ: dict[str, str], traces: bool, metrics_: bool
) -> None:
    assert _wants(environ, "traces") is traces
    assert _wants(environ, "metrics") is metrics_
