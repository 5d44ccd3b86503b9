"""Serve the built web client at `/`, with index.html for client-side routes."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException

_SERVER_PREFIXES = ("api/", "health", "docs", "redoc", "openapi.json")


def mount_client(app: FastAPI, dist: Path) -> None:
    """Serve files from `dist`; unknown non-API paths get index.html so reload and back work."""
    index = dist / "index.html"
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    async def client(path: str, request: Request) -> Response:
        if path.startswith(_SERVER_PREFIXES) or not index.exists():
            raise HTTPException(404, f"No route matches {request.method} /{path}.")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            cache = (
                "public, max-age=31536000, immutable" if path.startswith("assets/") else "no-cache"
            )
            return FileResponse(candidate, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
