"""Model Serving behaviour, run against the local adapter and the SDK/httpx adapter on the emulator."""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Emulator, ModeClient
from tests.logs import capture_json_logs

ALICE = "alice@example.com"
BOB = "bob@example.com"
TRIP = {"trip_distance": 3.2, "trip_duration_minutes": 14, "pickup_hour": 8}


def invoke(mc: ModeClient, user: str, **body: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = mc.client.post("/api/model-serving/invoke", json=body, headers=mc.headers(user))
    return response.status_code, response.json()


def test_endpoints_with_states(mode_client: ModeClient) -> None:
    body = mode_client.client.get(
        "/api/model-serving/endpoints", headers=mode_client.headers(ALICE)
    ).json()
    states = {e["endpoint_name"]: e["state"] for e in body}
    assert states == {
        "taxi-fare-regressor": "READY",
        "ticket-classifier": "READY",
        "churn-scorer": "UPDATING",
        "docs-assistant": "READY",
        "docs-completions": "READY",
        "docs-embeddings": "READY",
    }


def test_endpoint_input_schema(mode_client: ModeClient) -> None:
    taxi = mode_client.client.get(
        "/api/model-serving/endpoints/taxi-fare-regressor", headers=mode_client.headers(ALICE)
    ).json()
    assert taxi["input_schema"]["properties"]["pickup_hour"]["maximum"] == 23
    tickets = mode_client.client.get(
        "/api/model-serving/endpoints/ticket-classifier", headers=mode_client.headers(ALICE)
    ).json()
    assert tickets["input_schema"]["required"] == ["text"]


def test_same_predictions_in_both_modes(mode_client: ModeClient) -> None:
    status, body = invoke(mode_client, ALICE, endpoint_name="taxi-fare-regressor", inputs=TRIP)
    assert status == 200, body
    assert body["status"] == "SUCCESS"
    assert body["predictions"][0] == pytest.approx(14.47, abs=3)
    assert body["execution_time_ms"] > 0
    status, tickets = invoke(
        mode_client,
        ALICE,
        endpoint_name="ticket-classifier",
        inputs={
            "dataframe_records": [
                {"text": "my parcel never arrived"},
                {"text": "I was charged twice on my card"},
            ]
        },
    )
    assert tickets["predictions"] == ["shipping", "billing"]


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (
            {"trip_distance": 1.0, "pickup_hour": 3},
            "missing required field 'trip_duration_minutes'",
        ),
        ({**TRIP, "trip_distance": "far"}, "field 'trip_distance'"),
        ({**TRIP, "pickup_hour": 31}, "field 'pickup_hour': 31 is greater than the maximum"),
    ],
)
def test_invalid_inputs_are_400_with_schema(
    mode_client: ModeClient, inputs: dict[str, object], expected: str
) -> None:
    with capture_json_logs() as logs:
        status, body = invoke(
            mode_client, ALICE, endpoint_name="taxi-fare-regressor", inputs=inputs
        )
    assert status == 400
    assert body["error_code"] == "INVALID_MODEL_INPUT"
    assert expected in body["technical_details"]["validation_error"]
    assert body["technical_details"]["expected_schema"]["required"]
    errors = [line for line in logs.lines() if line["message"] == "model invocation failed"]
    assert errors and errors[0]["level"] == "ERROR"
    assert errors[0]["user_id"] == ALICE and errors[0]["request_id"]


def test_malformed_json_is_422(mode_client: ModeClient) -> None:
    response = mode_client.client.post(
        "/api/model-serving/invoke",
        content=b'{"endpoint_name": "taxi-fare-regressor", "inputs":',
        headers={**mode_client.headers(ALICE), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error_code"] == "VALIDATION_ERROR"


def test_not_ready_and_unknown_endpoints(mode_client: ModeClient) -> None:
    status, body = invoke(mode_client, ALICE, endpoint_name="churn-scorer", inputs=TRIP)
    assert (status, body["error_code"]) == (409, "ENDPOINT_NOT_READY")
    status, body = invoke(mode_client, ALICE, endpoint_name="no-such-model", inputs=TRIP)
    assert (status, body["error_code"]) == (404, "ENDPOINT_NOT_FOUND")


def test_timeout_range_is_validated(mode_client: ModeClient) -> None:
    for timeout in (0, 301):
        status, _ = invoke(
            mode_client,
            ALICE,
            endpoint_name="taxi-fare-regressor",
            inputs=TRIP,
            timeout_seconds=timeout,
        )
        assert status == 422


def test_every_invocation_is_logged_and_history_is_private(mode_client: ModeClient) -> None:
    h = mode_client.client.get
    before = len(h("/api/model-serving/history?limit=200", headers=mode_client.headers(BOB)).json())
    invoke(mode_client, BOB, endpoint_name="taxi-fare-regressor", inputs=TRIP)
    invoke(mode_client, BOB, endpoint_name="taxi-fare-regressor", inputs={"trip_distance": 1})
    invoke(mode_client, ALICE, endpoint_name="ticket-classifier", inputs={"text": "refund please"})
    bob = h("/api/model-serving/history?limit=200", headers=mode_client.headers(BOB)).json()
    assert len(bob) == before + 2
    assert [r["status"] for r in bob[:2]] == ["ERROR", "SUCCESS"]
    assert all(r["endpoint_name"] == "taxi-fare-regressor" for r in bob[:2])
    assert bob[0]["error_message"]


@pytest.fixture
def serving(emulator: Emulator) -> Iterator[Emulator]:
    """The emulator with its serving controls reset after the test."""
    yield emulator
    controls = emulator.serving
    controls.latency_seconds, controls.failure_statuses = 0.0, []
    controls.reject_message, controls.retry_after_seconds = None, None


def _headers(user_token: object) -> dict[str, str]:
    return {"X-Forwarded-Email": ALICE, "X-Forwarded-Access-Token": user_token(ALICE)}  # type: ignore[operator]


def _invoke(client: TestClient, headers: dict[str, str], timeout: int = 30) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.post(
        "/api/model-serving/invoke",
        headers=headers,
        json={"endpoint_name": "taxi-fare-regressor", "inputs": TRIP, "timeout_seconds": timeout},
    )
    return response.status_code, response.json()


def test_503_twice_then_200(
    databricks_client: TestClient, serving: Emulator, user_token: object
) -> None:
    serving.serving.failure_statuses = [503, 503]
    serving.serving.invocations = 0
    status, body = _invoke(databricks_client, _headers(user_token))
    assert status == 200, body
    assert serving.serving.invocations == 3


def test_always_503_is_model_unavailable(
    databricks_client: TestClient, serving: Emulator, user_token: object
) -> None:
    serving.serving.failure_statuses = [503] * 10
    serving.serving.invocations = 0
    status, body = _invoke(databricks_client, _headers(user_token))
    assert status == 503
    assert body["error_code"] == "MODEL_UNAVAILABLE"
    assert body["retry_after"] == 30
    assert serving.serving.invocations == 3


def test_slow_endpoint_times_out(
    databricks_client: TestClient, serving: Emulator, user_token: object
) -> None:
    serving.serving.latency_seconds = 5
    started = time.monotonic()
    status, body = _invoke(databricks_client, _headers(user_token), timeout=2)
    elapsed = time.monotonic() - started
    assert status == 504
    assert body["error_code"] == "MODEL_TIMEOUT"
    assert elapsed < 3


def test_endpoint_rejection_is_passed_on(
    databricks_client: TestClient, serving: Emulator, user_token: object
) -> None:
    serving.serving.reject_message = "Model expects trips under 100 miles"
    status, body = _invoke(databricks_client, _headers(user_token))
    assert status == 400
    assert body["error_code"] == "INVALID_MODEL_INPUT"
    assert "Model expects trips under 100 miles" in body["message"]


def test_retry_after_is_honoured(
    databricks_client: TestClient, serving: Emulator, user_token: object
) -> None:
    serving.serving.failure_statuses = [429]
    serving.serving.retry_after_seconds = 2
    started = time.monotonic()
    status, _ = _invoke(databricks_client, _headers(user_token))
    assert status == 200
    assert time.monotonic() - started >= 2


def test_a_dropped_in_mlflow_model_is_served(local_settings: object, tmp_path: object) -> None:
    import json
    import shutil
    import uuid
    from pathlib import Path

    import mlflow.sklearn
    import pandas as pd
    from mlflow.models import infer_signature
    from sklearn.linear_model import LinearRegression

    from server.app import create_app
    from server.config import Settings
    from tests.conftest import app_client

    assert isinstance(local_settings, Settings) and isinstance(tmp_path, Path)
    folder = f"models/custom-{uuid.uuid4().hex[:8]}"
    target = local_settings.local_workspace_dir / folder
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    model = LinearRegression().fit(frame, [2.0, 4.0, 6.0])
    mlflow.sklearn.save_model(
        model, str(target), signature=infer_signature(frame), serialization_format="cloudpickle"
    )
    config = json.loads(local_settings.serving_config_file.read_text())
    config["endpoints"].append({"name": "doubler", "model_path": folder, "state": "READY"})
    (tmp_path / "serving_endpoints.json").write_text(json.dumps(config))
    settings = local_settings.model_copy(
        update={"serving_config_file": tmp_path / "serving_endpoints.json"}
    )
    try:
        with app_client(create_app(settings)) as client:
            described = client.get("/api/model-serving/endpoints/doubler").json()
            assert described["input_schema"]["properties"] == {"x": {"type": "number"}}
            answer = client.post(
                "/api/model-serving/invoke",
                json={"endpoint_name": "doubler", "inputs": [{"x": 5}, {"x": 0.5}]},
            ).json()
    finally:
        shutil.rmtree(target, ignore_errors=True)
    assert answer["predictions"] == pytest.approx([10.0, 1.0])


def test_nul_characters_in_inputs_are_logged_safely(mode_client: ModeClient) -> None:
    status, body = invoke(
        mode_client, BOB, endpoint_name="ticket-classifier", inputs={"text": "refund\u0000 please"}
    )
    assert status == 200, body
    history = mode_client.client.get(
        "/api/model-serving/history?limit=1", headers=mode_client.headers(BOB)
    ).json()
    assert history[0]["inputs"] == {"text": "refund\ufffd please"}
