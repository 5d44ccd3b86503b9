"""Serve the built web client at `/`, with index.html for client-side routes.

Assets precompressed at build time (`client/scripts/compress.mjs` writes `.br` and `.gz` beside
each file) are sent as they are to browsers that accept the encoding."""

import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException

_SERVER_PREFIXES = ("api/", "health", "docs", "redoc", "openapi.json")
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
_IMMUTABLE = "public, max-age=31536000, immutable"


def _quality(params: str) -> float:
    value = params.strip()
    if not value.startswith("q="):
        return 1.0
    try:
        return float(value[2:])
    except ValueError:
        return 0.0


def accepted_encodings(header: str) -> set[str]:
    """The content codings an Accept-Encoding header accepts (those not given q=0)."""
    accepted = set()
    for item in header.split(","):
        name, _, params = item.partition(";")
        if name.strip() and _quality(params) > 0:
            accepted.add(name.strip().lower())
    return accepted


def asset_response(asset: Path, accept_encoding: str) -> FileResponse:
    """An immutable asset, precompressed when the client accepts a coding that was built."""
    media_type = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": _IMMUTABLE, "Vary": "Accept-Encoding"}
    accepted = accepted_encodings(accept_encoding)
    for coding, suffix in _ENCODINGS:
        compressed = asset.with_name(asset.name + suffix)
        if coding in accepted and compressed.is_file():
            headers["Content-Encoding"] = coding
            return FileResponse(compressed, media_type=media_type, headers=headers)
    return FileResponse(asset, media_type=media_type, headers=headers)


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
            if path.startswith("assets/"):
                return asset_response(candidate, request.headers.get("accept-encoding", ""))
            return FileResponse(candidate, headers={"Cache-Control": "no-cache"})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
