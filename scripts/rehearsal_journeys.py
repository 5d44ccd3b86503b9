"""The user journeys of the deploy rehearsal: who does what, and what a real workspace answers.

Each journey is one request as the Databricks Apps proxy would forward it (X-Forwarded-* headers,
with the user's token when user authorization is on), and the status a workspace would give:
success, or the refusal a workspace makes (a grant missing, the app's service principal without
grants, ...). `run_journeys` returns one result per journey.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

ADMIN = "admin@example.com"
MEMBER = "bob@example.com"
OUTSIDER = "carol@example.com"
TRIP = {"trip_distance": 3.2, "trip_duration_minutes": 14, "pickup_hour": 8}
ORDERS = {"catalog": "main", "schema": "samples", "table": "orders", "limit": 50, "offset": 100}
SALARIES = {"catalog": "main", "schema": "hr", "table": "salaries", "limit": 10}
NATION = {"catalog": "samples", "schema": "tpch", "table": "nation", "limit": 10}


class HttpClient(Protocol):
    """What the journeys need of an HTTP client (httpx.Client and Starlette's TestClient)."""

    def request(
        self, method: str, url: str, *, headers: dict[str, str], json: Any = None
    ) -> Any: ...


@dataclass(frozen=True)
class Journey:
    """One request and the status a workspace answers it with."""

    name: str
    method: str
    path: str
    expected_status: int
    body: Any = None
    expected_code: str | None = None
    check: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Result:
    persona: str
    setting: str
    journey: Journey
    status: int
    detail: str

    @property
    def passed(self) -> bool:
        """The status, error code and body are what the journey expects."""
        return not self.detail


def _journeys(email: str, can_read_orders: bool, sees: list[str]) -> list[Journey]:
    orders_status = 200 if can_read_orders else 403
    return [
        Journey(
            "browse catalogs",
            "GET",
            "/api/unity-catalog/catalogs",
            200,
            check=lambda body: body == sees,
        ),
        Journey(
            "page a table",
            "POST",
            "/api/unity-catalog/query",
            orders_status,
            ORDERS,
            expected_code=None if can_read_orders else "CATALOG_PERMISSION_DENIED",
            check=(lambda body: body["row_count"] == 50) if can_read_orders else None,
        ),
        Journey(
            "save a preference",
            "POST",
            "/api/preferences",
            200,
            {"preference_key": "dashboard_layout", "preference_value": {"by": email}},
        ),
        Journey(
            "read preferences",
            "GET",
            "/api/preferences",
            200,
            check=lambda body: any(p["preference_key"] == "dashboard_layout" for p in body),
        ),
        Journey("delete a preference", "DELETE", "/api/preferences/dashboard_layout", 204),
        Journey(
            "invoke a model",
            "POST",
            "/api/model-serving/invoke",
            200,
            {"endpoint_name": "taxi-fare-regressor", "inputs": TRIP},
            check=lambda body: body["status"] == "SUCCESS",
        ),
        Journey(
            "read own history",
            "GET",
            "/api/model-serving/history",
            200,
            check=lambda body: len(body) >= 1,
        ),
    ]


def user_journeys(persona: str) -> list[Journey]:
    """With user authorization on: each user acts with their own grants."""
    on_behalf = Journey(
        "who am I", "GET", "/api/user/me", 200, check=lambda body: body["acting_as"] == "user"
    )
    journeys = [on_behalf, *_journeys(persona, True, ["main", "samples"])]
    if persona == ADMIN:
        return [
            *journeys,
            Journey("read an admins-only table", "POST", "/api/unity-catalog/query", 200, SALARIES),
        ]
    denied = Journey(
        "read an admins-only table",
        "POST",
        "/api/unity-catalog/query",
        403,
        SALARIES,
        expected_code="CATALOG_PERMISSION_DENIED",
    )
    if persona == OUTSIDER:
        return [
            *journeys,
            denied,
            Journey(
                "read a table granted to them alone",
                "POST",
                "/api/unity-catalog/query",
                200,
                NATION,
            ),
        ]
    return [
        *journeys,
        denied,
        Journey(
            "read a table granted to someone else",
            "POST",
            "/api/unity-catalog/query",
            403,
            NATION,
            expected_code="CATALOG_PERMISSION_DENIED",
        ),
    ]


def app_journeys(persona: str, sp_granted: bool) -> list[Journey]:
    """With user authorization off: every call runs as the app's service principal, which sees
    only what was granted to it."""
    as_app = Journey(
        "who am I",
        "GET",
        "/api/user/me",
        200,
        check=lambda body: body["acting_as"] == "app_service_principal",
    )
    sees = ["main"] if sp_granted else []
    return [as_app, *_journeys(persona, sp_granted, sees)]


def _failure(journey: Journey, status: int, body: Any) -> str:
    if status != journey.expected_status:
        return f"expected {journey.expected_status}, got {status}: {str(body)[:300]}"
    if journey.expected_code and (body or {}).get("error_code") != journey.expected_code:
        return f"expected error_code {journey.expected_code}: {str(body)[:300]}"
    try:
        if journey.check and not journey.check(body):
            return f"unexpected body: {str(body)[:300]}"
    except (KeyError, TypeError) as exc:
        return f"unexpected body ({exc!r}): {str(body)[:300]}"
    return ""


def run_journeys(
    client: HttpClient,
    persona: str,
    setting: str,
    journeys: list[Journey],
    token: str | None,
) -> list[Result]:
    """Send each journey as `persona` through a stand-in for the Apps proxy."""
    headers = {
        "X-Forwarded-Email": persona,
        "X-Forwarded-User": persona,
        "X-Forwarded-Preferred-Username": persona.split("@")[0],
    }
    if token:
        headers["X-Forwarded-Access-Token"] = token
    results = []
    for journey in journeys:
        response = client.request(journey.method, journey.path, headers=headers, json=journey.body)
        body = response.json() if response.content else None
        detail = _failure(journey, response.status_code, body)
        results.append(Result(persona, setting, journey, response.status_code, detail))
    return results
