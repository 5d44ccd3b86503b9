"""wrk (C, `apt-get install wrk`) as the load generator: it keeps a fixed number of connections
busy for a fixed time and takes little of the CPU the app needs, unlike a Python client."""

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# wrk's Lua hooks: the request, and one machine-readable line at the end (latencies in µs).
SCRIPT = """
wrk.method = {method}
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass
class Load:
    """One wrk run: requests per second and latency percentiles in milliseconds."""

    requests_per_second: float
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class Call:
    """A request wrk repeats."""

    name: str
    method: str
    path: str
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def available() -> bool:
    """True when wrk is on the PATH (`make bench` installs it where it can)."""
    return shutil.which("wrk") is not None


@contextmanager
def _script(call: Call) -> Iterator[Path]:
    body = "nil" if call.body is None else json.dumps(call.body)
    headers = "\n".join(
        f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}"
        for name, value in call.headers.items()
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "call.lua"
        path.write_text(SCRIPT.format(method=json.dumps(call.method), body=body, headers=headers))
        yield path


def run_wrk(url: str, call: Call, connections: int, seconds: float) -> Load:
    """`connections` connections repeating `call` for `seconds`; any failed request raises."""
    with _script(call) as script:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout=30s",
                "-s",
                str(script),
                url + call.path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50_us, p95_us, errors = (int(v) for v in line.split()[1:])
    if errors:
        raise RuntimeError(f"wrk saw {errors} failed requests on {call.name}:\n{out}")
    return Load(requests / (duration_us / 1e6), p50_us / 1000, p95_us / 1000)
