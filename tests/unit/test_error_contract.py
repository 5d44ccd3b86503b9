"""Every error the API answers is declared in /openapi.json for its route, in the envelope, with
X-Request-ID (and Retry-After on 503): each case drives the app, on fakes, into one error."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.config import Settings
from server.errors import (
    CatalogPermissionDenied,
    DatabaseUnavailable,
    ModelTimeout,
    ModelUnavailable,
)
from server.models.model_serving import EndpointState
from tests.fakes import Fakes, endpoint, table

ALICE = {"X-Forwarded-Email": "alice@example.com"}


@pytest.fixture
def fakes() -> Fakes:
    made = Fakes()
    made.catalog.add(table("orders", {"id": "LONG"}), [[1]])
    made.models.endpoints_by_name = {
        "fare": endpoint("fare"),
        "warming": endpoint("warming", EndpointState.CREATING),
    }
    return made


@pytest.fixture
def client(fakes: Fakes) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, app_mode="local", max_request_body_bytes=4096)
    with TestClient(create_app(settings, fakes.backends()), raise_server_exceptions=False) as c:
        yield c


def catalog_fails(error: Exception) -> Callable[[Fakes], None]:
    def script(fakes: Fakes) -> None:
        fakes.catalog.error = error

    return script


def preferences_down(fakes: Fakes) -> None:
    fakes.preferences.down = True


def models_answer(answer: Any) -> Callable[[Fakes], None]:
    def script(fakes: Fakes) -> None:
        fakes.models.answers = [answer]

    return script


def catalog_breaks(fakes: Fakes) -> None:
    fakes.catalog.error = RuntimeError("a bug")


def nothing(fakes: Fakes) -> None:
    return None


QUERY = "/api/unity-catalog/query"
INVOKE = "/api/model-serving/invoke"
# (method, path, route template, json body, headers, scripted failure, expected status, code)
CASES: list[tuple[str, str, str, Any, dict[str, str], Callable[[Fakes], None], int, str]] = [
    ("GET", "/api/user/me", "/api/user/me", None, {}, nothing, 401, "AUTH_REQUIRED"),
    ("POST", QUERY, QUERY, {"catalog": "main", "schema": "sales", "table": "nope"}, ALICE, nothing, 404, "TABLE_NOT_FOUND"),
    ("POST", QUERY, QUERY, {"catalog": "main", "schema": "sales", "table": "orders", "order_by": "missing"}, ALICE, nothing, 400, "INVALID_QUERY"),
    ("POST", QUERY, QUERY, {"catalog": "main", "schema": "sales", "table": "orders", "limit": 0}, ALICE, nothing, 422, "VALIDATION_ERROR"),
    ("POST", QUERY, QUERY, {"catalog": "main", "schema": "sales", "table": "x" * 5000}, ALICE, nothing, 413, "PAYLOAD_TOO_LARGE"),
    ("GET", "/api/unity-catalog/catalogs", "/api/unity-catalog/catalogs", None, ALICE, catalog_fails(CatalogPermissionDenied()), 403, "CATALOG_PERMISSION_DENIED"),
    ("GET", "/api/unity-catalog/catalogs", "/api/unity-catalog/catalogs", None, ALICE, catalog_fails(DatabaseUnavailable()), 503, "DATABASE_UNAVAILABLE"),
    ("GET", "/api/unity-catalog/catalogs", "/api/unity-catalog/catalogs", None, ALICE, catalog_breaks, 500, "INTERNAL_ERROR"),
    ("GET", "/api/preferences", "/api/preferences", None, ALICE, preferences_down, 503, "DATABASE_UNAVAILABLE"),
    ("POST", "/api/preferences", "/api/preferences", {"preference_key": "theme", "preference_value": "dark"}, ALICE, nothing, 400, "INVALID_PREFERENCE"),
    ("DELETE", "/api/preferences/theme", "/api/preferences/{preference_key}", None, ALICE, nothing, 404, "PREFERENCE_NOT_FOUND"),
    ("GET", "/api/model-serving/endpoints/nope", "/api/model-serving/endpoints/{name}", None, ALICE, nothing, 404, "ENDPOINT_NOT_FOUND"),
    ("POST", INVOKE, INVOKE, {"endpoint_name": "warming", "inputs": {"x": 1}}, ALICE, nothing, 409, "ENDPOINT_NOT_READY"),
    ("POST", INVOKE, INVOKE, {"endpoint_name": "fare", "inputs": {"x": "one"}}, ALICE, nothing, 400, "INVALID_MODEL_INPUT"),
    ("POST", INVOKE, INVOKE, {"endpoint_name": "fare", "inputs": {"x": 1}}, ALICE, models_answer(ModelTimeout()), 504, "MODEL_TIMEOUT"),
    ("POST", INVOKE, INVOKE, {"endpoint_name": "fare", "inputs": {"x": 1}}, ALICE, models_answer(ModelUnavailable()), 503, "MODEL_UNAVAILABLE"),
    ("GET", "/api/model-serving/history", "/api/model-serving/history", None, ALICE, lambda f: setattr(f.inference_log, "down", True), 503, "DATABASE_UNAVAILABLE"),
    ("GET", "/health/ready", "/health/ready", None, {}, catalog_fails(DatabaseUnavailable()), 503, "SERVICE_UNAVAILABLE"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "template", "body", "headers", "script", "status", "code"),
    CASES,
    ids=[f"{c[0]} {c[1]} {c[6]}" for c in CASES],
)
def test_every_observed_error_is_declared_for_its_route(
    client: TestClient,
    fakes: Fakes,
    method: str,
    path: str,
    template: str,
    body: Any,
    headers: dict[str, str],
    script: Callable[[Fakes], None],
    status: int,
    code: str,
) -> None:
    script(fakes)
    response = client.request(method, path, json=body, headers=headers)
    assert (response.status_code, response.json()["error_code"]) == (status, code), response.text
    envelope = response.json()
    assert envelope["technical_details"]["request_id"] == response.headers["x-request-id"]
    declared = client.get("/openapi.json").json()["paths"][template][method.lower()]["responses"]
    answer = declared[str(status)]
    assert code in answer["x-error-codes"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert "X-Request-ID" in answer["headers"]
    if status == 503:
        assert "Retry-After" in answer["headers"]
        assert response.headers["retry-after"] == str(envelope["retry_after"])


def test_every_operation_declares_x_request_id_and_no_fastapi_validation_schema(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    for operations in document["paths"].values():
        for operation in operations.values():
            for answer in operation["responses"].values():
                assert "X-Request-ID" in answer["headers"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_a_timeout_through_the_app_writes_the_row_under_the_request_id(
    client: TestClient, fakes: Fakes
) -> None:
    fakes.models.answers = [ModelTimeout("No answer within the timeout.")]
    response = client.post(
        INVOKE,
        json={"endpoint_name": "fare", "inputs": {"x": 1}},
        headers={**ALICE, "X-Request-ID": "req-timeout-1"},
    )
    assert response.status_code == 504
    [record] = fakes.inference_log.records
    assert (record.request_id, record.status.value) == ("req-timeout-1", "TIMEOUT")
