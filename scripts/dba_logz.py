"""Read the app's JSON log lines (a file or standard input) and show them filtered and readable.

    .venv/bin/python -m server 2>&1 | python -m scripts.dba_logz --level WARNING
    python -m scripts.dba_logz app.log --request-id test-correlation-123
    python -m scripts.dba_logz app.log --user alice@example.com --slow 100

For a deployed app, download its logs from the app's Logs tab (or `<app-url>/logz`) and read them
with this script.
"""

import argparse
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
    args = parser.parse_args(argv)
    stream: TextIO = open(args.file) if args.file else sys.stdin  # noqa: SIM115, PTH123
    with stream:
        for record in parse(stream):
            if keep(record, args):
                print(render(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
