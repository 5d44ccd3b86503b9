"""Discovery, OIDC M2M tokens, SCIM `Me`, and the token → principal check every route uses."""

import base64
import binascii
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request

from emulator import scopes
from emulator.acl import AccessControl, ObjectType
from emulator.errors import DatabricksError
from emulator.state import EmulatorState, IssuedToken, Principal

router = APIRouter()


def get_state(request: Request) -> EmulatorState:
    """The emulator state."""
    state: EmulatorState = request.app.state.emulator
    return state


StateDep = Annotated[EmulatorState, Depends(get_state)]


def bearer_token(request: Request, state: StateDep) -> IssuedToken:
    """The live bearer token of the request; 401 otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    issued = state.token(token) if scheme.lower() == "bearer" else None
    if issued is None:
        raise DatabricksError(401, "UNAUTHENTICATED", "Invalid or expired access token.")
    return issued


BearerDep = Annotated[IssuedToken, Depends(bearer_token)]


def caller(token: BearerDep) -> Principal:
    """The principal behind the bearer token; 401 otherwise."""
    return token.principal


Caller = Annotated[Principal, Depends(caller)]


def require_scope(accepted: tuple[str, ...]) -> Any:
    """A route dependency: 403 unless the bearer token carries one of the `accepted` scopes (or
    is all-apis), with the message Databricks sends (see emulator/scopes.py)."""

    def check(token: BearerDep) -> None:
        if token.scopes is not None and not token.scopes.intersection(accepted):
            raise DatabricksError(
                403,
                "PERMISSION_DENIED",
                f"Provided OAuth token does not have required scopes: {', '.join(accepted)}",
            )

    return Depends(check)


def principal_names(request: Request, principal: Principal) -> tuple[str, ...]:
    """The caller and the groups it belongs to: what permissions are granted to."""
    return (principal.name, *request.app.state.grants.groups_of(principal.name))


def require_level(
    request: Request, principal: Principal, object_type: ObjectType, object_id: str, level: str
) -> None:
    """403 PERMISSION_DENIED unless the caller holds `level` on the object (emulator/acl.py)."""
    acl: AccessControl = request.app.state.acl
    if not acl.allows(object_type, object_id, principal_names(request, principal), level):
        noun = "warehouse" if object_type == "warehouses" else "serving endpoint"
        raise DatabricksError(
            403,
            "PERMISSION_DENIED",
            f"{principal.name} does not have {level} permission on {noun} {object_id}.",
        )


@router.get("/.well-known/databricks-config")
async def host_metadata(request: Request, state: StateDep) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {"oidc_endpoint": f"{base}/oidc", "workspace_id": state.workspace_id}


@router.get("/oidc/.well-known/oauth-authorization-server")
async def oidc_metadata(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "issuer": f"{base}/oidc",
        "authorization_endpoint": f"{base}/oidc/v1/authorize",
        "token_endpoint": f"{base}/oidc/v1/token",
        "grant_types_supported": ["client_credentials"],
    }


def _basic_credentials(request: Request) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""  # a malformed header authenticates nobody: 401, not 500
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


@router.post("/oidc/v1/token")
async def token(
    request: Request,
    state: StateDep,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    basic_id, basic_secret = _basic_credentials(request)
    given = (basic_id or client_id or "", basic_secret or client_secret or "")
    if grant_type != "client_credentials" or given != (state.sp_client_id, state.sp_client_secret):
        raise DatabricksError(401, "invalid_client", "Client authentication failed.")
    access_token, lifetime = state.issue(state.service_principal())
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": lifetime}


@router.get("/api/2.0/preview/scim/v2/Me", dependencies=[require_scope(scopes.CURRENT_USER)])
async def scim_me(principal: Caller, state: StateDep, request: Request) -> dict[str, Any]:
    groups = request.app.state.grants.groups_of(principal.name)
    return {
        # Stable across restarts, as a workspace's user ids are (Python's hash() is not).
        "id": str(int(hashlib.sha256(principal.name.encode()).hexdigest(), 16) % 10**15),
        "userName": principal.name,
        "displayName": principal.display_name,
        "active": True,
        "emails": [{"value": principal.name, "primary": True, "type": "work"}],
        "groups": [{"display": g, "value": g} for g in groups],
        "entitlements": [],
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    }
