"""The committed OpenAPI document (the source of the generated TypeScript client) matches the app."""

from scripts.make_fastapi_client import OPENAPI_FILE, current_openapi


def test_committed_openapi_matches_the_server() -> None:
    assert OPENAPI_FILE.read_text() == current_openapi(), (
        "client/openapi.json is out of date: run `make client-api` and commit the result"
    )
