"""The SDK error boundary's mapping table and the token-keyed cache, without any workspace."""

import pytest
import requests
from databricks.sdk import errors as sdk

from server.adapters.identity.databricks import IDENTITY_ERRORS
from server.adapters.model_serving.databricks import SERVING_ERRORS
from server.adapters.sdk_errors import ErrorTable, sdk_boundary, to_domain_error
from server.adapters.token_cache import TokenKeyedCache, token_key
from server.adapters.unity_catalog.databricks import UC_ERRORS
from server.errors import (
    AppError,
    AuthRequired,
    CatalogPermissionDenied,
    DatabaseUnavailable,
    EndpointNotFound,
    InvalidQuery,
    ModelUnavailable,
    PermissionDenied,
    ServiceUnavailable,
    TableNotFound,
)

CASES: list[tuple[ErrorTable, Exception, type[AppError]]] = [
    (UC_ERRORS, sdk.NotFound("no such table"), TableNotFound),
    (UC_ERRORS, sdk.ResourceDoesNotExist("gone"), TableNotFound),
    (UC_ERRORS, sdk.PermissionDenied("User does not have SELECT"), CatalogPermissionDenied),
    (UC_ERRORS, sdk.PermissionDenied("lacks the required scopes: sql"), PermissionDenied),
    (UC_ERRORS, sdk.Unauthenticated("bad token"), AuthRequired),
    (UC_ERRORS, sdk.BadRequest("PARSE_SYNTAX_ERROR"), InvalidQuery),
    (UC_ERRORS, sdk.InternalError("boom"), DatabaseUnavailable),
    (UC_ERRORS, requests.ConnectionError("refused"), DatabaseUnavailable),
    (SERVING_ERRORS, sdk.NotFound("no endpoint"), EndpointNotFound),
    (SERVING_ERRORS, sdk.PermissionDenied("no CAN_QUERY"), PermissionDenied),
    (SERVING_ERRORS, sdk.Unauthenticated("bad token"), AuthRequired),
    (SERVING_ERRORS, sdk.BadRequest("odd"), ModelUnavailable),
    (SERVING_ERRORS, TimeoutError(), ModelUnavailable),
    (IDENTITY_ERRORS, sdk.Unauthenticated("bad token"), AuthRequired),
    (IDENTITY_ERRORS, sdk.PermissionDenied("no scope"), ServiceUnavailable),
    (IDENTITY_ERRORS, sdk.TooManyRequests("slow down"), ServiceUnavailable),
]


@pytest.mark.parametrize(("table", "error", "expected"), CASES)
def test_each_sdk_error_maps_to_its_domain_error(
    table: ErrorTable, error: Exception, expected: type[AppError]
) -> None:
    mapped = to_domain_error(error, table, {"endpoint_name": "e"})
    assert type(mapped) is expected


def test_the_boundary_chains_the_cause_and_hides_the_sdk_configuration() -> None:
    error = sdk.PermissionDenied("no scope. Config: host=https://x, client_id=secret-id")
    with pytest.raises(PermissionDenied) as raised, sdk_boundary(SERVING_ERRORS):
        raise error
    assert raised.value.__cause__ is error
    assert "secret-id" not in raised.value.message


def test_the_boundary_lets_domain_and_unmapped_errors_through() -> None:
    with pytest.raises(TableNotFound), sdk_boundary(UC_ERRORS):
        raise TableNotFound()
    with pytest.raises(KeyError), sdk_boundary(UC_ERRORS):
        raise KeyError("a bug, not a backend failure")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_cache_expires_entries_after_the_ttl() -> None:
    clock = Clock()
    cache: TokenKeyedCache[str] = TokenKeyedCache(4, 10.0, clock)
    cache.put("token-a", "alice")
    clock.now = 9.9
    assert cache.get("token-a") == "alice"
    clock.now = 10.0
    assert cache.get("token-a") is None
    assert len(cache) == 0


def test_token_cache_evicts_the_least_recently_used() -> None:
    cache: TokenKeyedCache[int] = TokenKeyedCache(2, 60.0)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_token_cache_keeps_no_token_as_a_key() -> None:
    cache: TokenKeyedCache[int] = TokenKeyedCache(2, 60.0)
    cache.put("dapi-secret", 1)
    assert "dapi-secret" not in repr(cache.__dict__)
    assert token_key("dapi-secret") != "dapi-secret"
