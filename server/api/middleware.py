"""ASGI middleware: request id, body size limit, timing and one access log line per request."""

import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.error_handlers import error_response
from server.observability.context import request_id_var, user_id_var
from server.observability.telemetry import annotate_request

logger = logging.getLogger("server.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def choose_request_id(scope: Scope) -> str:
    """The caller's X-Request-ID (or X-Correlation-ID) when well-formed, else a new UUID4."""
    for name in (b"x-request-id", b"x-correlation-id"):
        value = _header(scope, name)
        if value and _VALID_REQUEST_ID.match(value):
            return value
    return str(uuid.uuid4())


class RequestContextMiddleware:
    """Binds the request id, limits the body size, times the request and writes the access log."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = choose_request_id(scope)
        rid_token = request_id_var.set(request_id)
        uid_token = user_id_var.set(None)
        scope.setdefault("state", {})["request_id"] = request_id
        annotate_request(request_id=request_id)
        start = time.perf_counter()
        status: dict[str, Any] = {"code": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["started"] = True
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, self._limited(scope, receive), send_with_id)
        except Exception as exc:
            logger.error("unhandled error", exc_info=exc, extra={"error_type": type(exc).__name__})
            if status["started"]:
                raise
            response = error_response(
                500,
                "INTERNAL_ERROR",
                "An unexpected error occurred. Quote the request id when reporting it.",
            )
            await response(scope, receive, send_with_id)
        finally:
            self._access_log(scope, status["code"], start)
            request_id_var.reset(rid_token)
            user_id_var.reset(uid_token)

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        declared = _header(scope, b"content-length")
        limit = self.max_body_bytes
        seen = {"bytes": 0}

        async def receive_limited() -> Message:
            if declared and declared.isdigit() and int(declared) > limit:
                raise HTTPException(413, f"Request body is larger than {limit} bytes.")
            message = await receive()
            seen["bytes"] += len(message.get("body", b""))
            if seen["bytes"] > limit:
                raise HTTPException(413, f"Request body is larger than {limit} bytes.")
            return message

        return receive_limited

    @staticmethod
    def _access_log(scope: Scope, status: int, start: float) -> None:
        state: dict[str, Any] = scope.get("state", {})
        user_id = state.get("user_id")
        if user_id:
            user_id_var.set(user_id)
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(
            level,
            f"{scope['method']} {scope['path']} {status}",
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "status_code": status,
                "duration_ms": round((time.perf_counter() - start) * 1000, 2),
            },
        )
