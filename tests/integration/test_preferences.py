"""Preferences on real PostgreSQL (embedded and the machine's): isolation, validation, upserts."""

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

ALICE = {"X-Forwarded-Email": "alice@example.com"}
BOB = {"X-Forwarded-Email": "bob@example.com"}


def save(client: TestClient, headers: dict[str, str], key: str, value: object) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/preferences",
        json={"preference_key": key, "preference_value": value},
        headers=headers,
    )
    return {"status": response.status_code, **response.json()}


def keys(client: TestClient, headers: dict[str, str]) -> dict[str, object]:
    return {
        p["preference_key"]: p["preference_value"]
        for p in client.get("/api/preferences", headers=headers).json()
    }


def test_isolation_between_users(preferences_client: TestClient) -> None:
    c = preferences_client
    assert save(c, ALICE, "theme", {"mode": "dark"})["status"] == 200
    assert "theme" not in keys(c, BOB)
    saved = save(c, BOB, "theme", {"mode": "light"})
    assert saved["user_id"] == "bob@example.com"
    assert keys(c, ALICE)["theme"] == {"mode": "dark"}
    assert keys(c, BOB)["theme"] == {"mode": "light"}
    assert c.delete("/api/preferences/theme", headers=BOB).status_code == 204
    assert keys(c, ALICE)["theme"] == {"mode": "dark"}
    assert "theme" not in keys(c, BOB)


def test_upsert_updates_in_place(preferences_client: TestClient) -> None:
    first = save(preferences_client, ALICE, "theme", {"mode": "dark"})
    second = save(preferences_client, ALICE, "theme", {"mode": "light"})
    assert first["id"] == second["id"]
    assert second["preference_value"] == {"mode": "light"}
    assert second["updated_at"] >= first["updated_at"]
    only = preferences_client.get("/api/preferences?preference_key=theme", headers=ALICE).json()
    assert [p["preference_value"] for p in only] == [{"mode": "light"}]


def test_value_must_be_an_object(preferences_client: TestClient) -> None:
    answer = save(preferences_client, ALICE, "theme", ["dark"])
    assert answer["status"] == 400
    assert answer["error_code"] == "INVALID_PREFERENCE"
    assert answer["technical_details"]["allowed_keys"] == [
        "theme",
        "dashboard_layout",
        "favorite_tables",
    ]
    assert answer["technical_details"]["max_size_bytes"] == 102400


def test_value_over_100kb_is_refused_and_nothing_changes(preferences_client: TestClient) -> None:
    save(preferences_client, ALICE, "dashboard_layout", {"cols": 2})
    answer = save(preferences_client, ALICE, "dashboard_layout", {"blob": "x" * 110_000})
    assert answer["status"] == 400
    assert answer["error_code"] == "INVALID_PREFERENCE"
    assert keys(preferences_client, ALICE)["dashboard_layout"] == {"cols": 2}


def test_unknown_key_is_422(preferences_client: TestClient) -> None:
    answer = save(preferences_client, ALICE, "password", {"x": 1})
    assert answer["status"] == 422
    assert answer["error_code"] == "VALIDATION_ERROR"


def test_delete_missing_is_404(preferences_client: TestClient) -> None:
    response = preferences_client.delete("/api/preferences/favorite_tables", headers=BOB)
    assert response.status_code == 404
    assert response.json()["error_code"] == "PREFERENCE_NOT_FOUND"


def test_malformed_json_and_oversized_body(preferences_client: TestClient) -> None:
    bad = preferences_client.post(
        "/api/preferences",
        content=b"{not json",
        headers={**ALICE, "Content-Type": "application/json"},
    )
    assert bad.status_code == 422
    assert bad.json()["error_code"] == "VALIDATION_ERROR"
    big = preferences_client.post(
        "/api/preferences",
        content=b"x" * 2_000_000,
        headers={**ALICE, "Content-Type": "application/json"},
    )
    assert big.status_code == 413
    assert big.json()["error_code"] == "PAYLOAD_TOO_LARGE"


def test_concurrent_upserts_leave_one_row(preferences_client: TestClient) -> None:
    values = [{"n": i} for i in range(50)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(
            pool.map(
                lambda v: save(preferences_client, ALICE, "favorite_tables", v)["status"], values
            )
        )
    assert statuses == [200] * 50
    rows = preferences_client.get(
        "/api/preferences?preference_key=favorite_tables", headers=ALICE
    ).json()
    assert len(rows) == 1
    assert rows[0]["preference_value"] in values


def test_pool_exhausted_is_503_quickly(local_settings: object) -> None:
    import time

    from server.app import create_app
    from server.config import Settings
    from tests.conftest import app_client

    assert isinstance(local_settings, Settings)
    settings = local_settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_seconds": 0.5}
    )
    with app_client(create_app(settings)) as client:
        engine = client.app.state.backends.database.engine  # type: ignore[attr-defined]
        with engine.connect():
            started = time.monotonic()
            response = client.get("/api/preferences", headers=ALICE)
            elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.json()["error_code"] == "DATABASE_UNAVAILABLE"
        assert elapsed < 3
        assert client.get("/api/preferences", headers=ALICE).status_code == 200


def test_nul_characters_are_refused_not_500(preferences_client: TestClient) -> None:
    answer = save(preferences_client, ALICE, "dashboard_layout", {"title": "a\u0000b"})
    assert answer["status"] == 400
    assert answer["error_code"] == "INVALID_PREFERENCE"
    answer = save(preferences_client, ALICE, "dashboard_layout", {"\u0000": 1})
    assert answer["status"] == 400
