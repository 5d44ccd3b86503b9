"""Property-based API fuzzing (schemathesis): nothing generated from the OpenAPI document gets a 500,
and every answer, errors included, is one the document declares for its route: status code, body
schema (the ErrorResponse envelope), content type and headers (X-Request-ID, Retry-After on 503)."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.server_process import running_server


@pytest.fixture(scope="module")
def api_schema() -> Iterator[Any]:
    with running_server() as url:
        yield schemathesis.openapi.from_url(f"{url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_envelopes(case: Any) -> None:
    response = case.call(headers={"X-Forwarded-Email": "fuzzer@example.com"})
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            response_schema_conformance,
            content_type_conformance,
            response_headers_conformance,
        ],
    )
    if response.status_code >= 400:
        body = response.json()
        assert {"error_code", "message", "technical_details"} <= set(body), body
