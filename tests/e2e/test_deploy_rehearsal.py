"""`make deploy-rehearsal` passes: the bundle deployed to the strict emulator, the app installed
from requirements.txt alone, every user journey as a workspace would answer it."""

import subprocess
import sys

from server.config import PROJECT_ROOT


def test_deploy_rehearsal_passes() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "scripts.deploy_rehearsal"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert summary.startswith("deploy rehearsal: ")
    assert summary.endswith(" journeys passed, 0 failed")
