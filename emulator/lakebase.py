"""Lakebase: Autoscaling projects, branches and endpoints (the `postgres` API), the one existing
Provisioned instance, PostgreSQL roles, and OAuth database credentials, over a real PostgreSQL
cluster.

Facts followed (Databricks docs "Lakebase Autoscaling API guide", the `postgres` REST reference,
and "Add a Lakebase resource to a Databricks app"):
- resources are named by paths: `projects/{p}`, `projects/{p}/branches/{b}`,
  `projects/{p}/branches/{b}/endpoints/{e}`; `GET /api/2.0/postgres/{name}` reads any of them;
- a credential (`POST /api/2.0/postgres/credentials`, `ttl` 300s-3600s) is a token that logs in
  as the caller's own Postgres role; every unexpired credential stays valid;
- a principal has a Postgres role only when one was created for it (an app's `postgres` resource
  creates the role of the app's service principal, with CONNECT and CREATE on the database);
- the `postgres` API needs the `postgres` OAuth scope.
"""

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from emulator import scopes
from emulator.auth import Caller, StateDep, require_scope
from emulator.errors import DatabricksError, bad_request, not_found
from emulator.postgres_cluster import PostgresCluster

router = APIRouter(prefix="/api/2.0", dependencies=[require_scope(scopes.POSTGRES)])
INSTANCE_NAME = "emulator-lakebase"
DATABASE = "databricks_postgres"


@dataclass
class LakebaseCredential:
    role: str
    expires_at: float


@dataclass
class Lakebase:
    """Projects, branches and endpoints by path; roles; and every credential minted."""

    cluster: PostgresCluster
    host: str = "127.0.0.1"
    port: int = 0
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    branches: dict[str, dict[str, Any]] = field(default_factory=dict)
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)
    credentials: dict[str, LakebaseCredential] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def create_project(self, project_id: str, spec: dict[str, Any]) -> str:
        """A project (no default branch is made: the bundle declares its branches)."""
        name = f"projects/{project_id}"
        self.projects[name] = {"name": name, "project_id": project_id, "spec": spec}
        return name

    def create_branch(self, parent: str, branch_id: str, spec: dict[str, Any]) -> str:
        """A branch of an existing project, holding the default `databricks_postgres` database."""
        if parent not in self.projects:
            raise not_found(f"Project '{parent}' does not exist.")
        name = f"{parent}/branches/{branch_id}"
        self.branches[name] = {"name": name, "branch_id": branch_id, "parent": parent, "spec": spec}
        return name

    def create_endpoint(self, parent: str, endpoint_id: str, endpoint_type: str) -> str:
        """A compute endpoint of an existing branch (one READ_WRITE endpoint per branch)."""
        if parent not in self.branches:
            raise not_found(f"Branch '{parent}' does not exist.")
        if endpoint_type == "ENDPOINT_TYPE_READ_WRITE" and self.read_write_endpoint(parent):
            raise DatabricksError(
                409, "ALREADY_EXISTS", f"Branch '{parent}' already has a read-write endpoint."
            )
        name = f"{parent}/endpoints/{endpoint_id}"
        self.endpoints[name] = {
            "name": name,
            "endpoint_id": endpoint_id,
            "parent": parent,
            "endpoint_type": endpoint_type,
        }
        return name

    def read_write_endpoint(self, branch: str) -> str | None:
        """The path of the branch's READ_WRITE endpoint."""
        for name, endpoint in self.endpoints.items():
            if endpoint["parent"] == branch and endpoint["endpoint_type"].endswith("READ_WRITE"):
                return name
        return None

    def create_role(self, role: str) -> None:
        """A Postgres role that logs in with Lakebase credentials, with CONNECT and CREATE on the
        database (what an app's `postgres` resource gives its service principal)."""
        self.cluster.create_role(role, DATABASE)
        with self.lock:
            self.roles.add(role)

    def mint(self, role: str, lifetime_seconds: int) -> tuple[str, float]:
        """A new credential for `role`; earlier ones stay valid until they expire."""
        if role not in self.roles:
            raise DatabricksError(
                403,
                "PERMISSION_DENIED",
                f"'{role}' has no Postgres role in this database. Add the database as an app "
                "resource, or create a role for this identity.",
            )
        token = "lb-" + secrets.token_urlsafe(24)
        expires_at = time.time() + lifetime_seconds
        with self.lock:
            self.credentials[token] = LakebaseCredential(role, expires_at)
        return token, expires_at

    def check_login(self, role: str, password: str) -> bool:
        """True when `password` is an unexpired credential minted for `role`."""
        with self.lock:
            credential = self.credentials.get(password)
        return (
            credential is not None
            and credential.role == role
            and credential.expires_at > time.time()
        )


def get_lakebase(request: Request) -> Lakebase:
    """The emulator's Lakebase."""
    lakebase: Lakebase = request.app.state.lakebase
    return lakebase


LakebaseDep = Annotated[Lakebase, Depends(get_lakebase)]


class CredentialRequest(BaseModel):
    instance_names: list[str] = []
    request_id: str | None = None
    claims: list[dict[str, Any]] = []


class PostgresCredentialRequest(BaseModel):
    endpoint: str
    ttl: str | None = None


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@router.post("/database/credentials")
async def generate_database_credential(
    body: CredentialRequest, principal: Caller, state: StateDep, lakebase: LakebaseDep
) -> dict[str, Any]:
    if not body.instance_names and not body.claims:
        raise bad_request("At least one of instance_names or claims is required.")
    unknown = [n for n in body.instance_names if n != INSTANCE_NAME]
    if unknown:
        raise not_found(f"Database instance '{unknown[0]}' does not exist.")
    token, expires = lakebase.mint(principal.name, state.lakebase_token_lifetime_seconds)
    return {"token": token, "expiration_time": _rfc3339(expires)}


def _ttl_seconds(ttl: str) -> int:
    digits = ttl.removesuffix("s")
    seconds = int(digits) if digits.isdigit() else -1
    if not 300 <= seconds <= 3600:
        raise bad_request("ttl must be between 300s and 3600s.")
    return seconds


@router.post("/postgres/credentials")
async def generate_postgres_credential(
    body: PostgresCredentialRequest, principal: Caller, state: StateDep, lakebase: LakebaseDep
) -> dict[str, Any]:
    if body.endpoint not in lakebase.endpoints:
        raise not_found(f"Endpoint '{body.endpoint}' does not exist.")
    lifetime = state.lakebase_token_lifetime_seconds
    if body.ttl is not None:
        lifetime = min(lifetime, _ttl_seconds(body.ttl))
    token, expires = lakebase.mint(principal.name, lifetime)
    return {"token": token, "expire_time": _rfc3339(expires)}


@router.get("/database/instances")
async def list_database_instances(principal: Caller, lakebase: LakebaseDep) -> dict[str, Any]:
    return {"database_instances": [_instance(lakebase)]}


@router.get("/database/instances/{name}")
async def get_database_instance(
    name: str, principal: Caller, lakebase: LakebaseDep
) -> dict[str, Any]:
    if name != INSTANCE_NAME:
        raise not_found(f"Database instance '{name}' does not exist.")
    return _instance(lakebase)


def _instance(lakebase: Lakebase) -> dict[str, Any]:
    return {
        "name": INSTANCE_NAME,
        "uid": "emulator-instance-uid",
        "state": "AVAILABLE",
        "capacity": "CU_1",
        "read_write_dns": lakebase.host,
        "read_only_dns": lakebase.host,
        "pg_version": "16",
        "creator": "emulator",
        "node_count": 1,
        "stopped": False,
    }


def _endpoint_json(lakebase: Lakebase, endpoint: dict[str, Any]) -> dict[str, Any]:
    hosts = {"host": lakebase.host, "read_write_pooled_host": lakebase.host}
    return {
        **endpoint,
        "spec": {"endpoint_type": endpoint["endpoint_type"]},
        "status": {
            "current_state": "ACTIVE",
            "endpoint_type": endpoint["endpoint_type"],
            "hosts": hosts,
        },
    }


@router.get("/postgres/{name:path}")
async def get_postgres_resource(
    name: str, principal: Caller, lakebase: LakebaseDep
) -> dict[str, Any]:
    if name.endswith("/endpoints") and name.removesuffix("/endpoints") in lakebase.branches:
        branch = name.removesuffix("/endpoints")
        listed = [e for e in lakebase.endpoints.values() if e["parent"] == branch]
        return {"endpoints": [_endpoint_json(lakebase, e) for e in listed]}
    if name in lakebase.endpoints:
        return _endpoint_json(lakebase, lakebase.endpoints[name])
    if name in lakebase.branches:
        return {**lakebase.branches[name], "status": {"current_state": "READY"}}
    if name in lakebase.projects:
        return lakebase.projects[name]
    raise not_found(f"'{name}' does not exist.")
