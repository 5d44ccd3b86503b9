"""OpenTelemetry: traces always (so every log line carries a trace id), OTLP export and metrics
only when the standard OTEL_* variables ask for them.

Databricks Apps sets OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL (grpc),
OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES when app telemetry is on, and writes what the app
exports to the otel_spans, otel_metrics and otel_logs tables of the chosen schema
(https://docs.databricks.com/aws/en/dev-tools/databricks-apps/observability, "Configure
telemetry for Databricks Apps"; the variables: .../databricks-apps/system-env). Locally,
`make observe` starts a receiver and sets the same variables.

Code elsewhere uses the global API (`trace.get_tracer`, `metrics.get_meter`) through the helpers
below; nothing is passed through constructors. OTEL_SDK_DISABLED=true turns everything off.
"""

import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import metrics, trace
from opentelemetry.trace import Span, Status, StatusCode

if TYPE_CHECKING:
    from fastapi import FastAPI
    from httpx import AsyncClient
    from sqlalchemy import Engine

SCOPE = "databricks_app_template"
DEFAULT_SERVICE_NAME = "databricks-app-template"
_configured = threading.Lock()
_state: dict[str, bool] = {}

tracer = trace.get_tracer(SCOPE)
meter = metrics.get_meter(SCOPE)
UC_STATEMENT_DURATION = meter.create_histogram(
    "app.unity_catalog.statement.duration", unit="s", description="Unity Catalog statement time"
)
MODEL_DURATION = meter.create_histogram(
    "app.model_serving.invoke.duration", unit="s", description="Model invocation time"
)
MODEL_ERRORS = meter.create_counter(
    "app.model_serving.invoke.errors", description="Failed model invocations, by error code"
)
POOL_USAGE = meter.create_up_down_counter(
    "db.client.connections.usage",
    unit="connections",
    description="Database connections in the state given by the state attribute (idle, used)",
)
TOKEN_REFRESHES = meter.create_counter(
    "app.lakebase.token.refreshes", description="Lakebase OAuth credentials minted"
)


def disabled(environ: Mapping[str, str]) -> bool:
    """OTEL_SDK_DISABLED=true: no provider, no instrumentation (the spec's kill switch)."""
    return environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"


def _wants(environ: Mapping[str, str], signal: str) -> bool:
    """Export `signal` (traces, metrics) when an OTLP endpoint is set and the signal's exporter
    is not `none`."""
    if environ.get(f"OTEL_{signal.upper()}_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT")
    )


def _protocol(environ: Mapping[str, str], signal: str) -> str:
    return (
        environ.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()


def _span_exporter(protocol: str) -> Any:
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter as HttpSpanExporter,
    )

    return HttpSpanExporter()


def _metric_exporter(protocol: str) -> Any:
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter()
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
        OTLPMetricExporter as HttpMetricExporter,
    )

    return HttpMetricExporter()


def _resource(environ: Mapping[str, str]) -> Any:
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource

    name = environ.get("OTEL_SERVICE_NAME") or environ.get(
        "DATABRICKS_APP_NAME", DEFAULT_SERVICE_NAME
    )
    return Resource.create({SERVICE_NAME: name})


class _RecordWhenExported:
    """A sampler that records spans only once something consumes them (an exporter, or a test's
    in-memory processor). Until then every span is a non-recording span that still has a valid
    trace id and span id, so log lines and outgoing `traceparent` headers carry them, while the
    instrumentations skip their attribute work (they check `span.is_recording()`)."""

    def __init__(self, when_exported: Any) -> None:
        self.exporting = False
        self._when_exported = when_exported

    def should_sample(self, parent_context: Any, trace_id: int, *args: Any, **kwargs: Any) -> Any:
        """The configured sampler's decision while exporting, else drop."""
        from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

        chosen = self._when_exported if self.exporting else ALWAYS_OFF
        return chosen.should_sample(parent_context, trace_id, *args, **kwargs)

    def get_description(self) -> str:
        """The description the SDK logs."""
        return f"RecordWhenExported({self._when_exported.get_description()})"


_gate: list[_RecordWhenExported] = []


def export_spans(processor: Any) -> None:
    """Send finished spans to `processor` (from now on spans are recorded)."""
    provider = trace.get_tracer_provider()
    provider.add_span_processor(processor)  # type: ignore[attr-defined]
    _gate[0].exporting = True


def configure_telemetry(environ: Mapping[str, str] | None = None) -> dict[str, bool]:
    """Install the process's tracer provider (and meter provider when metrics are exported);
    the first call wins. Returns what was set up: tracing, trace_export, metrics."""
    environ = os.environ if environ is None else environ
    with _configured:
        if _state or disabled(environ):
            return dict(_state)
        from opentelemetry.sdk.trace import TracerProvider, sampling
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        resource = _resource(environ)
        # OTEL_TRACES_SAMPLER / _ARG, as the SDK reads them by default.
        _gate.append(_RecordWhenExported(sampling._get_from_env_or_default()))
        trace.set_tracer_provider(TracerProvider(resource=resource, sampler=_gate[0]))  # type: ignore[arg-type]
        _state.update(tracing=True, trace_export=_wants(environ, "traces"))
        if _state["trace_export"]:
            export_spans(BatchSpanProcessor(_span_exporter(_protocol(environ, "traces"))))
        _state["metrics"] = _wants(environ, "metrics")
        if _state["metrics"]:
            from opentelemetry.sdk.metrics import MeterProvider
            from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

            reader = PeriodicExportingMetricReader(_metric_exporter(_protocol(environ, "metrics")))
            metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[reader]))
        from opentelemetry.instrumentation.requests import RequestsInstrumentor

        RequestsInstrumentor().instrument()  # the databricks-sdk's HTTP calls
        return dict(_state)


def instrument_app(app: "FastAPI") -> None:
    """A server span per request (plus the request latency histogram per route and status)."""
    if disabled(os.environ):
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, exclude_spans=["receive", "send"])


def instrument_engine(engine: "Engine") -> None:
    """A span per SQL statement and the pool usage metric (`db.client.connections.usage`, by
    state idle/used). The instrumentor's `instrument(engine=...)` works once per process, so
    each engine (one per app; tests build many) gets the instrumentation's own engine tracer."""
    if disabled(os.environ):
        return
    from opentelemetry.instrumentation.sqlalchemy import engine as sqlalchemy_tracing

    sqlalchemy_tracing.EngineTracer(  # type: ignore[no-untyped-call]
        trace.get_tracer(sqlalchemy_tracing.__name__),
        engine,
        POOL_USAGE,
        enable_commenter=False,
    )


def instrument_http_client(client: "AsyncClient") -> None:
    """A client span per outgoing request of `client`, with the trace context propagated."""
    if disabled(os.environ):
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client)


def current_trace_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the running span in hex, or None outside any trace."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def annotate_request(request_id: str | None = None, user_id: str | None = None) -> None:
    """Put the request id and the user's id on the running (server) span."""
    span = trace.get_current_span()
    if not span.is_recording():
        return
    if request_id:
        span.set_attribute("app.request_id", request_id)
    if user_id:
        span.set_attribute("enduser.id", user_id)


def _scalar_attributes(fields: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    return {
        f"app.{key}": value
        for key, value in fields.items()
        if isinstance(value, str | int | float | bool)
    }


@contextmanager
def operation(name: str, **fields: Any) -> Iterator[Span]:
    """A span named `name` with the scalar `fields` as attributes; errors mark it failed."""
    with tracer.start_as_current_span(name, attributes=_scalar_attributes(fields)) as span:
        yield span


@contextmanager
def measured(histogram: Any, **attributes: str) -> Iterator[dict[str, str]]:
    """Record the block's duration in seconds on `histogram`, with `attributes` and an `outcome`
    (ok or the exception's name); the yielded dict can add attributes."""
    started = time.perf_counter()
    labels = dict(attributes)
    try:
        yield labels
        labels.setdefault("outcome", "ok")
    except Exception as exc:
        labels["outcome"] = type(exc).__name__
        span = trace.get_current_span()
        span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
        raise
    finally:
        histogram.record(time.perf_counter() - started, labels)
