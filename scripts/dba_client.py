"""Call a running app (local or deployed) from the command line, with an optional concurrent load.

    python -m scripts.dba_client me
    python -m scripts.dba_client --as alice@example.com catalogs
    python -m scripts.dba_client query main samples orders --limit 5
    python -m scripts.dba_client invoke taxi-fare-regressor \\
        '{"trip_distance": 3, "trip_duration_minutes": 12, "pickup_hour": 8}'
    python -m scripts.dba_client load /api/unity-catalog/catalogs --requests 200 --concurrency 10
    python -m scripts.dba_client load /api/unity-catalog/query --method POST \\
        --body '{"catalog": "main", "schema": "samples", "table": "orders", "limit": 5}'

A deployed app: `--app NAME` finds its URL (`apps.get`) and signs every request through the
databricks-sdk's unified authentication (`--profile`, DATABRICKS_* variables, `databricks auth
login`); `--url URL --token TOKEN` still works by hand.
"""

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx


def _headers(args: argparse.Namespace) -> dict[str, str]:
    headers: dict[str, str] = dict(getattr(args, "auth_headers", None) or {})
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    if args.as_user:
        headers["X-Forwarded-Email"] = args.as_user
    return headers


def _request(args: argparse.Namespace) -> tuple[str, str, Any]:
    if args.command == "me":
        return "GET", "/api/user/me", None
    if args.command == "catalogs":
        return "GET", "/api/unity-catalog/catalogs", None
    if args.command == "query":
        body = {
            "catalog": args.catalog,
            "schema": args.schema,
            "table": args.table,
            "limit": args.limit,
            "offset": args.offset,
        }
        return "POST", "/api/unity-catalog/query", body
    if args.command == "prefs":
        return "GET", "/api/preferences", None
    if args.command == "endpoints":
        return "GET", "/api/model-serving/endpoints", None
    body = {"endpoint_name": args.endpoint, "inputs": json.loads(args.inputs)}
    return "POST", "/api/model-serving/invoke", body


def _percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(len(ordered) * fraction))
    return round(ordered[rank - 1], 2)


def resolve_app(args: argparse.Namespace, client_factory: Callable[..., Any] | None = None) -> None:
    """For `--app NAME`: the app's URL from `apps.get` and the SDK's auth headers on each call."""
    if not args.app:
        return
    if client_factory is None:
        from databricks.sdk import WorkspaceClient

        client_factory = WorkspaceClient
    workspace = client_factory(profile=args.profile) if args.profile else client_factory()
    app = workspace.apps.get(args.app)
    if not app.url:
        raise SystemExit(f"app {args.app!r} has no URL yet (is it deployed and running?)")
    args.url = app.url.rstrip("/")
    args.auth_headers = workspace.config.authenticate()


async def _load(args: argparse.Namespace) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(args.requests):
        queue.put_nowait(i)

    body = json.loads(args.body) if args.body else None
    async with httpx.AsyncClient(base_url=args.url, headers=_headers(args), timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await client.request(args.method, args.path, json=body)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "statuses": statuses,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": _percentile(ordered, 0.95),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": round(ordered[-1], 2),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", help="workspace OAuth token for a deployed app")
    parser.add_argument("--app", help="a deployed app's name: URL and auth through the SDK")
    parser.add_argument("--profile", help="~/.databrickscfg profile for --app")
    parser.add_argument("--as", dest="as_user", help="X-Forwarded-Email (local mode only)")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("me", "catalogs", "prefs", "endpoints"):
        commands.add_parser(name)
    query = commands.add_parser("query")
    for field in ("catalog", "schema", "table"):
        query.add_argument(field)
    query.add_argument("--limit", type=int, default=10)
    query.add_argument("--offset", type=int, default=0)
    invoke = commands.add_parser("invoke")
    invoke.add_argument("endpoint")
    invoke.add_argument("inputs", help="JSON")
    load = commands.add_parser("load", help="concurrent requests to one path; latency figures")
    load.add_argument("path")
    load.add_argument("--method", default="GET", type=str.upper)
    load.add_argument("--body", help="JSON body for each request")
    load.add_argument("--requests", type=int, default=100)
    load.add_argument("--concurrency", type=int, default=10)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and print its JSON answer."""
    args = _parser().parse_args(argv)
    resolve_app(args)
    if args.command == "load":
        print(json.dumps(asyncio.run(_load(args)), indent=2))
        return 0
    method, path, body = _request(args)
    response = httpx.request(
        method, args.url + path, json=body, headers=_headers(args), timeout=330
    )
    print(json.dumps(response.json(), indent=2) if response.content else response.status_code)
    print(
        f"HTTP {response.status_code} request id {response.headers.get('x-request-id')}",
        file=sys.stderr,
    )
    return 0 if response.is_success else 1


if __name__ == "__main__":
    sys.exit(main())
