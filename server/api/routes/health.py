"""Liveness and readiness."""

import asyncio
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from server.api.deps import BackendsDep
from server.api.openapi import errors
from server.errors import ServiceUnavailable

router = APIRouter(tags=["health"])
READY_CHECK_TIMEOUT_SECONDS = 5.0


class Health(BaseModel):
    status: Literal["healthy"]


class BackendStatus(BaseModel):
    status: Literal["ok", "unavailable"]
    detail: str


class Readiness(BaseModel):
    status: Literal["ready"]
    mode: str
    backends: dict[str, BackendStatus]


@router.get("/health")
async def health() -> Health:
    """Liveness: the process answers."""
    return Health(status="healthy")


async def _check(check: Any) -> BackendStatus:
    try:
        detail = await asyncio.wait_for(check(), READY_CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        return BackendStatus(status="unavailable", detail=f"{type(exc).__name__}: {exc}"[:300])
    return BackendStatus(status="ok", detail=detail)


@router.get("/health/ready", responses=errors(ServiceUnavailable))
async def ready(backends: BackendsDep) -> Readiness:
    """Readiness: every configured backend answers; 503 names the ones that do not."""
    names = list(backends.health_checks)
    results = await asyncio.gather(*(_check(backends.health_checks[n]) for n in names))
    statuses = dict(zip(names, results, strict=True))
    failing = [name for name, result in statuses.items() if result.status != "ok"]
    if failing:
        raise ServiceUnavailable(
            f"Not ready: {', '.join(failing)}.",
            failing=failing,
            backends={n: s.model_dump() for n, s in statuses.items()},
        )
    return Readiness(status="ready", mode=backends.mode, backends=statuses)
