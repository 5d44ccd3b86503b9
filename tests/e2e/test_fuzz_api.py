"""Property-based API fuzzing (schemathesis): nothing generated from the OpenAPI document gets a 500,
and every error answer is the envelope."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

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
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        body = response.json()
        assert {"error_code", "message", "technical_details"} <= set(body), body
