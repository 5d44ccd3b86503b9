"""The foundation as a client sees it: identity, correlation ids, the error envelope, health."""

import uuid

from fastapi.testclient import TestClient

from tests.logs import capture_json_logs


def assert_envelope(body: dict[str, object], code: str) -> None:
    assert set(body) >= {"error_code", "message", "technical_details"}
    assert "detail" not in body
    assert body["error_code"] == code


def test_health(local_client: TestClient) -> None:
    assert local_client.get("/health").json() == {"status": "healthy"}


def test_dev_user_without_headers(local_client: TestClient) -> None:
    body = local_client.get("/api/user/me").json()
    assert body["user_id"] == "dev.user@example.com"
    assert body["mode"] == "local"
    assert "users" in body["groups"]


def test_forwarded_user_is_honoured_locally(local_client: TestClient) -> None:
    body = local_client.get(
        "/api/user/me", headers={"X-Forwarded-Email": "alice@example.com"}
    ).json()
    assert body["user_id"] == "alice@example.com"
    admin = local_client.get("/api/user/me", headers={"X-Forwarded-Email": "admin@example.com"})
    assert "admins" in admin.json()["groups"]


def test_user_id_is_never_taken_from_query(local_client: TestClient) -> None:
    body = local_client.get("/api/user/me?user_id=mallory@example.com").json()
    assert body["user_id"] == "dev.user@example.com"


def test_request_id_round_trip_and_on_every_log_line(local_client: TestClient) -> None:
    with capture_json_logs() as logs:
        response = local_client.get(
            "/api/user/me", headers={"X-Request-ID": "test-correlation-123"}
        )
    assert response.headers["x-request-id"] == "test-correlation-123"
    lines = [line for line in logs.lines() if line["logger"] == "server.access"]
    assert lines, "the request wrote no access log line"
    for line in lines:
        assert line["request_id"] == "test-correlation-123"
        assert line["user_id"] == "dev.user@example.com"
        assert line["duration_ms"] >= 0
        assert {"timestamp", "level", "module", "function", "method", "path", "status_code"} <= set(
            line
        )


def test_correlation_id_header_is_accepted(local_client: TestClient) -> None:
    response = local_client.get("/health", headers={"X-Correlation-ID": "corr-42"})
    assert response.headers["x-request-id"] == "corr-42"


def test_request_id_is_generated_as_uuid4(local_client: TestClient) -> None:
    generated = local_client.get("/health").headers["x-request-id"]
    assert uuid.UUID(generated).version == 4


def test_unknown_route_and_wrong_method(local_client: TestClient) -> None:
    missing = local_client.get("/api/does-not-exist")
    assert missing.status_code == 404
    assert_envelope(missing.json(), "NOT_FOUND")
    wrong = local_client.delete("/api/user/me")
    assert wrong.status_code == 405
    assert_envelope(wrong.json(), "METHOD_NOT_ALLOWED")


def test_secrets_in_headers_never_reach_logs(local_client: TestClient) -> None:
    secret = "eyJ-super-secret-token-value"
    with capture_json_logs() as logs:
        local_client.get(
            "/api/user/me",
            headers={
                "X-Forwarded-Email": "alice@example.com",
                "X-Forwarded-Access-Token": secret,
                "Authorization": f"Bearer {secret}",
            },
        )
    assert logs.lines()
    assert secret not in logs.text


def test_readiness_in_local_mode(local_client: TestClient) -> None:
    response = local_client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_openapi_has_stable_operation_ids(local_client: TestClient) -> None:
    spec = local_client.get("/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert "user_me" in ids
    assert "health_health" in ids
    assert local_client.get("/docs").status_code == 200


def test_unexpected_error_is_500_envelope_with_trace_in_log_only(local_settings: object) -> None:
    from fastapi.routing import APIRoute

    from server.app import create_app
    from server.config import Settings

    assert isinstance(local_settings, Settings)
    app = create_app(local_settings)

    async def boom() -> None:
        raise RuntimeError("secret internals")

    app.router.routes.insert(0, APIRoute("/api/boom", boom))  # before the client catch-all

    with TestClient(app, raise_server_exceptions=False) as client, capture_json_logs() as logs:
        response = client.get("/api/boom", headers={"X-Request-ID": "boom-1"})
    body = response.json()
    assert response.status_code == 500
    assert_envelope(body, "INTERNAL_ERROR")
    assert body["technical_details"]["request_id"] == "boom-1"
    assert response.headers["x-request-id"] == "boom-1"
    assert "secret internals" not in response.text
    traced = [line for line in logs.lines() if "stack_trace" in line]
    assert traced and "RuntimeError: secret internals" in traced[0]["stack_trace"]
    assert traced[0]["request_id"] == "boom-1"
