"""Lakebase: database instances, autoscaling endpoints and OAuth credentials backed by a real
PostgreSQL cluster. Each credential becomes the role's password `VALID UNTIL` its expiry."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from emulator.auth import Caller, StateDep
from emulator.errors import bad_request, not_found
from emulator.postgres_cluster import PostgresCluster

router = APIRouter(prefix="/api/2.0")
INSTANCE_NAME = "emulator-lakebase"
ENDPOINT_NAME = "projects/emulator/branches/main/endpoints/primary"
DATABASE = "databricks_postgres"


def get_cluster(request: Request) -> PostgresCluster:
    """The emulator's PostgreSQL cluster."""
    cluster: PostgresCluster = request.app.state.lakebase
    return cluster


ClusterDep = Annotated[PostgresCluster, Depends(get_cluster)]


class CredentialRequest(BaseModel):
    instance_names: list[str] = []
    request_id: str | None = None
    claims: list[dict[str, Any]] = []


class PostgresCredentialRequest(BaseModel):
    endpoint: str
    ttl: str | None = None


def _mint(cluster: PostgresCluster, role: str, lifetime_seconds: int) -> tuple[str, str]:
    token = "lb-" + uuid.uuid4().hex
    expires = datetime.now(UTC) + timedelta(seconds=lifetime_seconds)
    stamp = expires.isoformat(timespec="seconds").replace("+00:00", "Z")
    cluster.set_login_password(role, token, stamp, DATABASE)
    return token, stamp


@router.post("/database/credentials")
async def generate_database_credential(
    body: CredentialRequest, principal: Caller, state: StateDep, cluster: ClusterDep
) -> dict[str, Any]:
    if not body.instance_names and not body.claims:
        raise bad_request("At least one of instance_names or claims is required.")
    unknown = [n for n in body.instance_names if n != INSTANCE_NAME]
    if unknown:
        raise not_found(f"Database instance '{unknown[0]}' does not exist.")
    token, stamp = _mint(cluster, principal.name, state.lakebase_token_lifetime_seconds)
    return {"token": token, "expiration_time": stamp}


@router.post("/postgres/credentials")
async def generate_postgres_credential(
    body: PostgresCredentialRequest, principal: Caller, state: StateDep, cluster: ClusterDep
) -> dict[str, Any]:
    if body.endpoint != ENDPOINT_NAME:
        raise not_found(f"Endpoint '{body.endpoint}' does not exist.")
    lifetime = state.lakebase_token_lifetime_seconds
    if body.ttl is not None:
        seconds = int(body.ttl.rstrip("s")) if body.ttl.rstrip("s").isdigit() else -1
        if not 300 <= seconds <= 3600:
            raise bad_request("ttl must be between 300s and 3600s.")
        lifetime = min(lifetime, seconds)
    token, stamp = _mint(cluster, principal.name, lifetime)
    return {"token": token, "expire_time": stamp}


@router.get("/database/instances")
async def list_database_instances(principal: Caller) -> dict[str, Any]:
    return {"database_instances": [_instance(INSTANCE_NAME)]}


@router.get("/database/instances/{name}")
async def get_database_instance(name: str, principal: Caller) -> dict[str, Any]:
    if name != INSTANCE_NAME:
        raise not_found(f"Database instance '{name}' does not exist.")
    return _instance(name)


def _instance(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "uid": "emulator-instance-uid",
        "state": "AVAILABLE",
        "capacity": "CU_1",
        "read_write_dns": "127.0.0.1",
        "read_only_dns": "127.0.0.1",
        "pg_version": "16",
        "creator": "emulator",
        "node_count": 1,
        "stopped": False,
    }


@router.get("/postgres/{name:path}")
async def get_endpoint(name: str, principal: Caller) -> dict[str, Any]:
    if name != ENDPOINT_NAME:
        raise not_found(f"Endpoint '{name}' does not exist.")
    return {
        "name": name,
        "status": {
            "current_state": "ACTIVE",
            "hosts": {"host": "127.0.0.1", "read_write_pooled_host": "127.0.0.1"},
        },
    }
