"""Server-sent events for streamed model answers: OpenAI-compatible `data:` chunks, then
`data: [DONE]`; a failure after the first chunk is an `event: error` whose data is the envelope."""

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi.responses import StreamingResponse

from server.api.error_handlers import app_error_envelope
from server.errors import AppError

DONE = b"data: [DONE]\n\n"


def _frame(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _events(chunks: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            yield _frame(chunk)
    except AppError as exc:
        yield _frame(app_error_envelope(exc), event="error")
        return
    yield DONE


def event_stream(chunks: AsyncIterator[dict[str, Any]]) -> StreamingResponse:
    """A `text/event-stream` response of `chunks`, unbuffered by proxies."""
    return StreamingResponse(
        _events(chunks),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
