"""Read the app's JSON log lines (a file or standard input) and show them filtered and readable.

    .venv/bin/python -m server 2>&1 | python -m scripts.dba_logz --level WARNING
    python -m scripts.dba_logz app.log --request-id test-correlation-123
    python -m scripts.dba_logz app.log --user alice@example.com --slow 100

A deployed app's logs, with the same filters (`--app` finds the URL and signs in through the
databricks-sdk, as `dba_client --app` does; `--follow` keeps streaming):

    python -m scripts.dba_logz --app my-app --level ERROR
    python -m scripts.dba_logz --app my-app --profile dev --follow --request-id <id>

Databricks Apps serves them at `<app-url>/logz` (a page) and streams them over the WebSocket
`wss://<app-url>/logz/stream`, as the Databricks CLI's `databricks apps logs` reads them: the
client sends a search term (empty: everything), then receives JSON frames {source, timestamp,
message} (or plain text) and single zero bytes as keep-alives.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
SHOWN = (
    "method",
    "path",
    "status_code",
    "duration_ms",
    "error_type",
    "operation",
    "table",
    "endpoint_name",
    "status",
)


def parse(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """JSON objects from log lines; other lines become plain messages."""
    for line in lines:
        text = line.strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            record = {"message": text, "level": "INFO"}
        if isinstance(record, dict):
            yield record


def keep(record: dict[str, Any], args: argparse.Namespace) -> bool:
    """Whether a record passes the filters."""
    if LEVELS.get(str(record.get("level")), 20) < LEVELS[args.level]:
        return False
    if args.request_id and record.get("request_id") != args.request_id:
        return False
    if args.user and record.get("user_id") != args.user:
        return False
    return not (args.slow and float(record.get("duration_ms") or 0) < args.slow)


def render(record: dict[str, Any]) -> str:
    """One readable line."""
    time = str(record.get("timestamp", ""))[11:23]
    extras = " ".join(f"{k}={record[k]}" for k in SHOWN if record.get(k) is not None)
    who = f"[{record.get('request_id', '-')}] {record.get('user_id') or '-'}"
    return f"{time} {record.get('level', ''):<7} {who} {record.get('message', '')}  {extras}"


def stream_url(app_url: str) -> str:
    """The log stream of the app at `app_url` (https → wss)."""
    base = app_url.rstrip("/")
    for plain, secure in (("https://", "wss://"), ("http://", "ws://")):
        if base.startswith(plain):
            base = secure + base[len(plain) :]
    return base + "/logz/stream"


def frame_text(frame: str | bytes) -> str | None:
    """The app's own line from one frame: the `message` of a JSON entry, else the raw text;
    None for a keep-alive."""
    text = frame.decode(errors="replace") if isinstance(frame, bytes) else frame
    if text == "\0":
        return None
    try:
        entry = json.loads(text)
    except json.JSONDecodeError:
        return text
    if isinstance(entry, dict) and isinstance(entry.get("message"), str):
        return str(entry["message"])
    return text


async def _remote(args: argparse.Namespace, headers: dict[str, str]) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosedOK

    async with connect(stream_url(args.url), additional_headers=headers) as socket:
        await socket.send(args.search)
        while True:
            try:
                frame = await asyncio.wait_for(socket.recv(), None if args.follow else args.idle)
            except (TimeoutError, ConnectionClosedOK):
                return
            text = frame_text(frame)
            for record in parse([text] if text else []):
                if keep(record, args):
                    print(render(record), flush=True)


def _read_local(args: argparse.Namespace) -> None:
    stream: TextIO = open(args.file) if args.file else sys.stdin  # noqa: SIM115, PTH123
    with stream:
        for record in parse(stream):
            if keep(record, args):
                print(render(record))


def main(argv: list[str] | None = None) -> int:
    """Filter and print."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", nargs="?", help="log file (default: standard input)")
    parser.add_argument("--level", default="DEBUG", choices=list(LEVELS))
    parser.add_argument("--request-id")
    parser.add_argument("--user")
    parser.add_argument("--slow", type=float, help="only lines with duration_ms at least this")
    parser.add_argument("--app", help="a deployed app's name: stream its logs (SDK auth)")
    parser.add_argument("--profile", help="~/.databrickscfg profile for --app")
    parser.add_argument("--url", help="a deployed app's URL (with --token) instead of --app")
    parser.add_argument("--token", help="workspace OAuth token for --url")
    parser.add_argument("--search", default="", help="server-side search term")
    parser.add_argument("--follow", action="store_true", help="keep streaming new lines")
    parser.add_argument("--idle", type=float, default=5.0, help="without --follow: stop after this")
    args = parser.parse_args(argv)
    if not (args.app or args.url):
        _read_local(args)
        return 0
    from scripts.dba_client import resolve_app

    resolve_app(args)
    headers = dict(getattr(args, "auth_headers", None) or {})
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    asyncio.run(_remote(args, headers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
