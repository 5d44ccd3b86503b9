"""The emulator's gatekeeping: bearer tokens, OAuth scopes, object ACLs and the M2M token endpoint,
served in-process by the emulator's own auth router on a small FastAPI app."""

import base64
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from emulator import errors, scopes
from emulator.acl import AccessControl
from emulator.auth import Caller, require_level, require_scope, router
from emulator.state import EmulatorState, Principal
from server.local_workspace.grants import Grants

ANN = Principal("ann@example.com", "Ann")


@pytest.fixture
def state() -> EmulatorState:
    return EmulatorState()


@pytest.fixture
def acl() -> AccessControl:
    return AccessControl()


@pytest.fixture
def client(state: EmulatorState, acl: AccessControl) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(router)
    app.state.emulator = state
    app.state.acl = acl
    app.state.grants = Grants({"analysts": ["ann@example.com"], "admins": ["root@example.com"]}, [])
    app.add_exception_handler(errors.DatabricksError, errors.handle_databricks_error)

    @app.get("/sql", dependencies=[require_scope(scopes.SQL)])
    async def sql(principal: Caller) -> dict[str, str]:
        return {"name": principal.name}

    @app.get("/tables", dependencies=[require_scope(scopes.TABLES)])
    async def tables() -> dict[str, str]:
        return {}

    @app.get("/warehouses/{warehouse_id}")
    async def use(warehouse_id: str, principal: Caller, request: Request) -> dict[str, str]:
        require_level(request, principal, "warehouses", warehouse_id, "CAN_USE")
        return {}

    @app.get("/endpoints/{name}")
    async def query(name: str, principal: Caller, request: Request) -> dict[str, str]:
        require_level(request, principal, "serving-endpoints", name, "CAN_QUERY")
        return {}

    with TestClient(app) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_live_all_apis_token_passes_any_scope(client: TestClient, state: EmulatorState) -> None:
    token, _ = state.issue(ANN)
    assert client.get("/sql", headers=bearer(token)).json() == {"name": "ann@example.com"}
    assert client.get("/sql", headers={"Authorization": f"bEaReR {token}"}).status_code == 200


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer nope", "Basic abc", "dkea0000", "Token {token}", "{token}"]
)
def test_no_live_bearer_token_is_401(client: TestClient, state: EmulatorState, header: str) -> None:
    token, _ = state.issue(ANN)
    response = client.get("/sql", headers={"Authorization": header.format(token=token)})
    assert response.status_code == 401
    assert response.json() == {
        "error_code": "UNAUTHENTICATED",
        "message": "Invalid or expired access token.",
    }


def test_no_authorization_header_is_401(client: TestClient) -> None:
    response = client.get("/sql")
    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHENTICATED"


def test_an_expired_token_is_401(client: TestClient, state: EmulatorState) -> None:
    token, _ = state.issue(ANN)
    state.tokens[token].expires_at = time.time() - 1
    assert client.get("/sql", headers=bearer(token)).status_code == 401


def test_a_user_token_needs_one_of_the_accepted_scopes(
    client: TestClient, state: EmulatorState
) -> None:
    token, _ = state.issue_user_token(ANN, scopes=scopes.user_token_scopes(["sql"]))
    assert client.get("/sql", headers=bearer(token)).status_code == 200
    response = client.get("/tables", headers=bearer(token))
    assert response.status_code == 403
    assert response.json() == {
        "error_code": "PERMISSION_DENIED",
        "message": (
            "Provided OAuth token does not have required scopes: catalog.tables:read, unity-catalog"
        ),
    }
    other, _ = state.issue_user_token(ANN, scopes=frozenset({"unity-catalog"}))
    assert client.get("/tables", headers=bearer(other)).status_code == 200


def test_a_token_with_no_scope_at_all_is_refused(client: TestClient, state: EmulatorState) -> None:
    token, _ = state.issue(ANN, scopes=frozenset())
    assert client.get("/sql", headers=bearer(token)).status_code == 403


def test_user_tokens_carry_the_default_scopes_and_the_apps() -> None:
    assert scopes.user_token_scopes(["sql"]) == frozenset(
        {"sql", "iam.current-user:read", "iam.access-control:read"}
    )
    assert scopes.user_token_scopes([]) == scopes.DEFAULT_USER_SCOPES


def test_scim_me_needs_the_current_user_scope(client: TestClient, state: EmulatorState) -> None:
    token, _ = state.issue(ANN, scopes=frozenset({"sql"}))
    response = client.get("/api/2.0/preview/scim/v2/Me", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["message"].endswith("required scopes: iam.current-user:read")


def test_scim_me_describes_the_caller_and_their_groups(
    client: TestClient, state: EmulatorState
) -> None:
    token, _ = state.issue(ANN, scopes=scopes.user_token_scopes([]))
    me = client.get("/api/2.0/preview/scim/v2/Me", headers=bearer(token)).json()
    assert me["userName"] == "ann@example.com"
    assert me["displayName"] == "Ann"
    assert me["active"] is True
    assert me["emails"] == [{"value": "ann@example.com", "primary": True, "type": "work"}]
    assert me["groups"] == [
        {"display": "users", "value": "users"},
        {"display": "analysts", "value": "analysts"},
    ]
    assert me["entitlements"] == []
    assert me["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User"]
    again = client.get("/api/2.0/preview/scim/v2/Me", headers=bearer(token)).json()
    assert me["id"] == again["id"] == "32420802159734"  # the same after a restart


def test_discovery_points_at_the_oidc_endpoints(client: TestClient, state: EmulatorState) -> None:
    config = client.get("/.well-known/databricks-config").json()
    assert config == {"oidc_endpoint": "http://testserver/oidc", "workspace_id": state.workspace_id}
    oidc = client.get("/oidc/.well-known/oauth-authorization-server").json()
    assert oidc == {
        "issuer": "http://testserver/oidc",
        "authorization_endpoint": "http://testserver/oidc/v1/authorize",
        "token_endpoint": "http://testserver/oidc/v1/token",
        "grant_types_supported": ["client_credentials"],
    }


def basic(client_id: str, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def test_m2m_token_with_basic_credentials(client: TestClient, state: EmulatorState) -> None:
    response = client.post(
        "/oidc/v1/token",
        data={"grant_type": "client_credentials"},
        headers=basic(state.sp_client_id, state.sp_client_secret),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == state.token_lifetime_seconds
    issued = state.token(body["access_token"])
    assert issued is not None
    assert issued.principal == state.service_principal()
    assert issued.scopes is None


def test_m2m_token_with_form_credentials(client: TestClient, state: EmulatorState) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": state.sp_client_id,
        "client_secret": state.sp_client_secret,
    }
    assert client.post("/oidc/v1/token", data=form).status_code == 200


@pytest.mark.parametrize(
    ("form", "secret"),
    [
        ({"grant_type": "client_credentials"}, "wrong"),
        ({"grant_type": "password"}, None),
        ({"grant_type": "client_credentials", "client_secret": "emulator-secret"}, None),
        ({"grant_type": "client_credentials", "client_id": "app-service-principal"}, None),
        ({"grant_type": "client_credentials"}, ""),
    ],
)
def test_m2m_token_refuses_wrong_credentials(
    client: TestClient, state: EmulatorState, form: dict[str, str], secret: str | None
) -> None:
    headers = basic(state.sp_client_id, secret) if secret is not None else {}
    if form["grant_type"] == "password":
        headers = basic(state.sp_client_id, state.sp_client_secret)
    response = client.post("/oidc/v1/token", data=form, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "error_code": "invalid_client",
        "message": "Client authentication failed.",
    }


def test_a_secret_may_contain_colons(client: TestClient, state: EmulatorState) -> None:
    state.sp_client_secret = "se:cr:et"
    response = client.post(
        "/oidc/v1/token",
        data={"grant_type": "client_credentials"},
        headers=basic(state.sp_client_id, "se:cr:et"),
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "encoded", ["abc", "!!!!", "YWJj ZGVm", base64.b64encode(b"\xff\xfe:x").decode()]
)
def test_a_malformed_basic_header_is_401_not_500(client: TestClient, encoded: str) -> None:
    response = client.post(
        "/oidc/v1/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {encoded}"},
    )
    assert response.status_code == 401
    assert response.json()["error_code"] == "invalid_client"


def test_basic_credentials_need_the_basic_scheme(client: TestClient, state: EmulatorState) -> None:
    encoded = basic(state.sp_client_id, state.sp_client_secret)["Authorization"].split()[1]
    response = client.post(
        "/oidc/v1/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Bearer {encoded}"},
    )
    assert response.status_code == 401


def test_object_levels_are_checked_with_groups_and_admins(
    client: TestClient, state: EmulatorState, acl: AccessControl
) -> None:
    token, _ = state.issue(ANN)
    response = client.get("/warehouses/wh1", headers=bearer(token))
    assert response.status_code == 403
    assert response.json() == {
        "error_code": "PERMISSION_DENIED",
        "message": "ann@example.com does not have CAN_USE permission on warehouse wh1.",
    }
    acl.grant("warehouses", "wh1", "Analysts", "CAN_USE")
    assert client.get("/warehouses/wh1", headers=bearer(token)).status_code == 200
    response = client.get("/endpoints/fare", headers=bearer(token))
    assert response.json()["message"] == (
        "ann@example.com does not have CAN_QUERY permission on serving endpoint fare."
    )
    root, _ = state.issue(Principal("root@example.com", "Root"))
    assert client.get("/endpoints/fare", headers=bearer(root)).status_code == 200


def test_a_higher_level_grants_the_lower_ones() -> None:
    acl = AccessControl()
    acl.grant("warehouses", "wh", "ann@example.com", "CAN_MANAGE")
    assert acl.allows("warehouses", "wh", ["ANN@example.com"], "CAN_USE")
    assert acl.allows("warehouses", "wh", ["ann@example.com"], "CAN_MANAGE")
    assert not acl.allows("warehouses", "wh", ["ann@example.com"], "IS_OWNER")
    assert not acl.allows("warehouses", "other", ["ann@example.com"], "CAN_VIEW")
    assert not acl.allows("serving-endpoints", "wh", ["ann@example.com"], "CAN_VIEW")
    assert not acl.allows("warehouses", "wh", ["bob@example.com"], "CAN_VIEW")


def test_a_lower_grant_keeps_the_higher_level_held() -> None:
    acl = AccessControl()
    acl.grant("serving-endpoints", "e", "ann@example.com", "CAN_QUERY")
    acl.grant("serving-endpoints", "e", "ANN@example.com", "CAN_VIEW")
    assert acl.entries[("serving-endpoints", "e")] == {"ann@example.com": "CAN_QUERY"}
    acl.grant("serving-endpoints", "e", "ann@example.com", "CAN_MANAGE")
    assert acl.entries[("serving-endpoints", "e")] == {"ann@example.com": "CAN_MANAGE"}


def test_a_level_of_another_object_type_is_refused() -> None:
    acl = AccessControl()
    with pytest.raises(ValueError, match=r"^CAN_QUERY is not a permission level of warehouses$"):
        acl.grant("warehouses", "wh", "ann@example.com", "CAN_QUERY")
    assert acl.entries == {}


def test_revoke_removes_the_principal_on_that_object_only() -> None:
    acl = AccessControl()
    acl.grant("warehouses", "wh", "ann@example.com", "CAN_USE")
    acl.grant("warehouses", "wh", "bob@example.com", "CAN_USE")
    acl.grant("warehouses", "wh2", "ann@example.com", "CAN_USE")
    acl.revoke("warehouses", "wh", "ANN@example.com")
    acl.revoke("warehouses", "missing", "ann@example.com")
    assert not acl.allows("warehouses", "wh", ["ann@example.com"], "CAN_VIEW")
    assert acl.allows("warehouses", "wh", ["bob@example.com"], "CAN_USE")
    assert acl.allows("warehouses", "wh2", ["ann@example.com"], "CAN_USE")


def test_the_admins_group_manages_everything() -> None:
    acl = AccessControl()
    assert acl.allows("warehouses", "any", ["root@example.com", "Admins"], "IS_OWNER")
