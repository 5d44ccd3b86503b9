"""Service logic on the fakes (tests/fakes.py): time bounds, the inference log, retries."""

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from server.adapters.model_serving.databricks import DatabricksModelServer
from server.errors import (
    DatabaseUnavailable,
    EndpointNotReady,
    ModelInputInvalid,
    ModelTimeout,
    ModelUnavailable,
    PreferenceNotFound,
    TableNotFound,
)
from server.models.model_serving import EndpointState, InferenceStatus, InvokeRequest
from server.models.unity_catalog import QueryRequest
from server.services.model_serving import ModelServingService
from server.services.preferences import PreferencesService
from server.services.unity_catalog import UnityCatalogService
from tests.fakes import (
    ALICE,
    FakeCatalogReader,
    FakeInferenceLog,
    FakeModelServer,
    FakePreferenceStore,
    FakeWorkspaceClients,
    endpoint,
    table,
)


def serving(
    models: FakeModelServer | None = None, log: FakeInferenceLog | None = None
) -> tuple[ModelServingService, FakeModelServer, FakeInferenceLog]:
    models = models or FakeModelServer(endpoints_by_name={"fare": endpoint("fare")})
    log = log or FakeInferenceLog()
    return ModelServingService(models, log), models, log


def request(timeout_seconds: float = 5, inputs: object = None) -> InvokeRequest:
    """An invocation; sub-second timeouts bypass the API's 1 s minimum so tests stay fast."""
    return InvokeRequest.model_construct(
        endpoint_name="fare",
        inputs=inputs or {"x": 1.5},
        timeout_seconds=timeout_seconds,  # type: ignore[arg-type]
    )


async def test_a_slow_model_times_out_and_writes_a_timeout_row() -> None:
    service, models, log = serving()
    models.delay_seconds = 5.0
    started = time.monotonic()
    with pytest.raises(ModelTimeout):
        await service.invoke(ALICE, request(timeout_seconds=0.05))
    assert time.monotonic() - started < 1.0
    [record] = log.records
    assert record.status == InferenceStatus.TIMEOUT
    assert record.error_message == "No answer within 0.05 s."
    assert record.completed_at is not None and record.execution_time_ms >= 50


async def test_an_adapter_timeout_also_writes_a_timeout_row() -> None:
    service, models, log = serving()
    models.answers = [ModelTimeout("No answer within the timeout.")]
    with pytest.raises(ModelTimeout):
        await service.invoke(ALICE, request())
    assert [r.status for r in log.records] == [InferenceStatus.TIMEOUT]


async def test_a_database_outage_does_not_fail_a_prediction() -> None:
    service, models, log = serving()
    log.down = True
    models.answers = [[42.0]]
    response = await service.invoke(ALICE, request())
    assert response.status == InferenceStatus.SUCCESS
    assert response.predictions == [42.0]
    assert log.records == []


async def test_a_success_is_logged_with_inputs_and_predictions() -> None:
    service, models, log = serving()
    models.answers = [[7.0]]
    response = await service.invoke(ALICE, request(inputs=[{"x": 1}, {"x": 2}]))
    [record] = log.records
    assert record.status == InferenceStatus.SUCCESS
    assert (record.user_id, record.request_id) == (ALICE.user_id, response.request_id)
    assert record.predictions == [7.0]
    assert models.calls[0][1] == {"dataframe_records": [{"x": 1}, {"x": 2}]}
    assert [h.request_id for h in await service.history(ALICE, 10)] == [response.request_id]


async def test_an_endpoint_that_is_not_ready_is_not_invoked_and_the_error_is_logged() -> None:
    models = FakeModelServer(endpoints_by_name={"fare": endpoint("fare", EndpointState.CREATING)})
    service, models, log = serving(models)
    with pytest.raises(EndpointNotReady):
        await service.invoke(ALICE, request())
    assert models.calls == []
    [record] = log.records
    assert record.status == InferenceStatus.ERROR
    assert record.error_message is not None and "CREATING" in record.error_message


async def test_input_against_the_schema_is_refused_before_invoking() -> None:
    service, models, log = serving()
    with pytest.raises(ModelInputInvalid):
        await service.invoke(ALICE, request(inputs={"x": "not a number"}))
    assert models.calls == []
    assert [r.status for r in log.records] == [InferenceStatus.ERROR]


async def test_a_slow_catalog_is_a_database_outage_within_the_timeout() -> None:
    catalog = FakeCatalogReader(delay_seconds=5.0)
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable):
        await UnityCatalogService(catalog, 0.05).catalogs(ALICE)
    assert time.monotonic() - started < 1.0


async def test_a_page_of_a_table_carries_the_total_count() -> None:
    catalog = FakeCatalogReader()
    catalog.add(table("orders", {"id": "LONG", "total": "DOUBLE"}), [[1, 9.5], [2, 3.0]])
    result = await UnityCatalogService(catalog, 1.0).query(
        ALICE,
        QueryRequest.model_validate(
            {"catalog": "main", "schema": "sales", "table": "orders", "limit": 10}
        ),
    )
    assert result.rows == [{"id": 1, "total": 9.5}, {"id": 2, "total": 3.0}]
    assert result.total_row_count == 2
    [(sql, parameters)] = catalog.statements
    assert "`main`.`sales`.`orders`" in sql and parameters is not None


async def test_a_result_kept_for_the_users_token_is_not_served_to_calls_as_the_app() -> None:
    catalog = FakeCatalogReader()
    catalog.add(table("orders", {"id": "LONG"}), [[i] for i in range(30)])
    service = UnityCatalogService(catalog, 1.0)
    page = {"catalog": "main", "schema": "sales", "table": "orders", "limit": 10}
    as_user = replace(ALICE, access_token="alice-token")
    await service.query(as_user, QueryRequest.model_validate(page))
    again = await service.query(as_user, QueryRequest.model_validate({**page, "offset": 10}))
    assert again.result_reused and len(catalog.statements) == 1
    as_app = await service.query(ALICE, QueryRequest.model_validate({**page, "offset": 10}))
    assert not as_app.result_reused and len(catalog.statements) == 2


async def test_a_new_statement_on_the_same_table_reuses_the_callers_table_metadata() -> None:
    catalog = FakeCatalogReader()
    service = UnityCatalogService(catalog, 1.0)
    page = QueryRequest.model_validate({"catalog": "main", "schema": "sales", "table": "orders"})
    with pytest.raises(TableNotFound):
        await service.query(ALICE, page)
    catalog.add(table("orders", {"id": "LONG"}), [[1]])
    await service.query(ALICE, page)  # a missing table was not remembered
    await service.query(ALICE, page)
    assert (catalog.table_lookups, len(catalog.statements)) == (2, 2)
    await service.query(replace(ALICE, user_id="bob@example.com"), page)
    await service.query(replace(ALICE, access_token="alice-token"), page)
    assert (catalog.table_lookups, len(catalog.statements)) == (4, 4)


Handler = Callable[[httpx.Request], httpx.Response]


def databricks_server(handler: Handler, max_attempts: int, backoff: float) -> DatabricksModelServer:
    """The real adapter's retry loop over a scripted HTTP transport."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return DatabricksModelServer(
        FakeWorkspaceClients(),  # type: ignore[arg-type]
        http,
        Path("/nonexistent"),
        max_attempts,
        backoff,
    )


def always(status: int, headers: dict[str, str] | None = None) -> tuple[Handler, list[float]]:
    seen: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(time.monotonic())
        return httpx.Response(status, json={"message": "busy"}, headers=headers)

    return handler, seen


async def test_retries_stay_within_the_timeout() -> None:
    handler, attempts = always(503)
    server = databricks_server(handler, max_attempts=100, backoff=0.02)
    started = time.monotonic()
    with pytest.raises(ModelTimeout):
        await server.invoke(ALICE, "fare", {"dataframe_records": []}, timeout_seconds=0.3)
    assert time.monotonic() - started <= 0.3 + 0.05
    assert 2 <= len(attempts) < 100


async def test_a_retry_after_beyond_the_deadline_gives_up_at_once() -> None:
    handler, attempts = always(429, {"Retry-After": "30"})
    server = databricks_server(handler, max_attempts=5, backoff=0.01)
    started = time.monotonic()
    with pytest.raises(ModelTimeout):
        await server.invoke(ALICE, "fare", {"dataframe_records": []}, timeout_seconds=2)
    assert time.monotonic() - started < 0.5
    assert len(attempts) == 1


async def test_a_retryable_failure_then_an_answer_returns_the_predictions() -> None:
    answers = iter([httpx.Response(429), httpx.Response(200, json={"predictions": [3.5]})])
    server = databricks_server(lambda request: next(answers), max_attempts=3, backoff=0.001)
    assert await server.invoke(ALICE, "fare", {}, timeout_seconds=2) == [3.5]


async def test_attempts_are_bounded_when_the_endpoint_keeps_failing() -> None:
    handler, attempts = always(502)
    server = databricks_server(handler, max_attempts=3, backoff=0.001)
    with pytest.raises(ModelUnavailable) as raised:
        await server.invoke(ALICE, "fare", {}, timeout_seconds=5)
    assert len(attempts) == 3
    assert raised.value.technical_details["attempts"] == 3


async def test_preferences_are_saved_listed_and_deleted_for_their_owner_only() -> None:
    store = FakePreferenceStore()
    service = PreferencesService(store)
    saved = await service.save(ALICE, "theme", {"mode": "dark"})
    assert [p.preference_value for p in await service.list(ALICE)] == [{"mode": "dark"}]
    bob = replace(ALICE, user_id="bob@example.com")
    assert await service.list(bob) == []
    with pytest.raises(PreferenceNotFound):
        await service.delete(bob, "theme")
    await service.delete(ALICE, "theme")
    assert saved.user_id == ALICE.user_id and store.rows == {}
