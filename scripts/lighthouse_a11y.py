"""Lighthouse accessibility scores for every section of the running UI (`make lighthouse`).

Starts the app as `make run` does, runs lighthouse 12.2.3 (the last release for Node 20, fetched
from the npm registry by npx) in Debian's Chromium, and prints one score per section. Exits 1 when a
section scores under 90.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.server_process import running_server

SECTIONS = ("/", "/unity-catalog", "/model-serving", "/preferences")
MINIMUM = 90


def score(url: str, report: Path) -> tuple[float, list[str]]:
    """The accessibility score of one page and the audits it failed."""
    subprocess.run(
        [
            "npx",
            "-y",
            "lighthouse@12.2.3",
            url,
            "--only-categories=accessibility",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
    )
    data = json.loads(report.read_text())
    failed = [
        name
        for name, audit in data["audits"].items()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
    ]
    return data["categories"]["accessibility"]["score"] * 100, failed


def main() -> int:
    """Score every section."""
    worst = 100.0
    with running_server() as base, tempfile.TemporaryDirectory() as tmp:
        for path in SECTIONS:
            value, failed = score(base + path, Path(tmp) / "report.json")
            worst = min(worst, value)
            print(
                f"{path:<16} accessibility {value:5.0f}  {'failed: ' + ', '.join(failed) if failed else ''}"
            )
    return 0 if worst >= MINIMUM else 1


if __name__ == "__main__":
    sys.exit(main())
