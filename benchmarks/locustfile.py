"""Load against a running or deployed app with Locust (not a project dependency; see
docs/performance.md): `uvx locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000`.

Each simulated user pages through a table with its `query_id`, reads and writes a preference and
invokes the taxi fare model. For a deployed app, set APP_TOKEN to a token the Apps proxy accepts
(`databricks auth token`); locally, BENCH_USER picks the simulated user."""

import os
import random
from typing import Any

from locust import HttpUser, between, task  # type: ignore[import-not-found]

TABLE = {"catalog": "samples", "schema": "nyctaxi", "table": "trips", "limit": 100}
TRIP = {"trip_distance": 3.2, "trip_duration_minutes": 14, "pickup_hour": 8}


class AppUser(HttpUser):  # type: ignore[misc]
    """One person using the app: mostly paging, sometimes preferences and the model."""

    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        """Identity headers (the Apps proxy sets them on a deployed app), and a first page."""
        token = os.environ.get("APP_TOKEN")
        self.headers: dict[str, str] = (
            {"Authorization": f"Bearer {token}"}
            if token
            else {"X-Forwarded-Email": os.environ.get("BENCH_USER", "admin@example.com")}
        )
        self.page: dict[str, Any] = {"offset": 0, "total": 0, "query_id": None}

    @task(6)  # type: ignore[untyped-decorator]
    def next_page(self) -> None:
        """The next 100 rows of the same kept result (the first page runs the statement)."""
        body = {**TABLE, "offset": self.page["offset"], "query_id": self.page["query_id"]}
        with self.client.post(
            "/api/unity-catalog/query", json=body, headers=self.headers, name="page"
        ) as response:
            answer = response.json()
        total = answer.get("total_row_count", 0)
        offset = self.page["offset"] + 100
        self.page = {
            "offset": offset if offset < total else 0,
            "total": total,
            "query_id": answer.get("query_id"),
        }

    @task(2)  # type: ignore[untyped-decorator]
    def preferences(self) -> None:
        """Read, then write, a preference."""
        self.client.get("/api/preferences", headers=self.headers)
        value = {"preference_key": "theme", "preference_value": {"mode": random.choice("ab")}}
        self.client.post("/api/preferences", json=value, headers=self.headers)

    @task(1)  # type: ignore[untyped-decorator]
    def invoke(self) -> None:
        """One prediction."""
        body = {"endpoint_name": "taxi-fare-regressor", "inputs": TRIP}
        self.client.post("/api/model-serving/invoke", json=body, headers=self.headers)
