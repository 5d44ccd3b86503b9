"""`make deploy-rehearsal`: deploy the bundle to the strict emulator and use the app as its users
would, the way Databricks Apps runs it.

1. The deployed files (what `databricks bundle deploy` syncs: the git-tracked files and
   client/dist) are copied to a temporary directory.
2. A clean virtual environment gets `requirements.txt` only (no local engines), as Apps installs it.
3. The emulator deploys databricks.yml (target dev) and app.yaml: warehouse and its ACL, Lakebase
   Autoscaling project/branch/endpoint, the app's service principal with its resource permissions,
   the user authorization scopes.
4. The app starts with `app.yaml`'s command and exactly the environment Apps would give it.
5. The journeys (scripts/rehearsal_journeys.py) run as an admin, a member of the users group and a
   user outside the named groups with a table grant of their own; with user authorization on, then
   off (every call as the app's service principal), before and after the grants docs/auth.md asks
   for. The last line is `deploy rehearsal: N journeys passed, M failed`.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from databricks.sdk import WorkspaceClient
from databricks.sdk.service.catalog import PermissionsChange, Privilege

from emulator.app import create_emulator, emulator_workspace
from emulator.bundle import load_bundle
from emulator.provision import app_environment
from emulator.serve import free_port, serve_in_thread
from emulator.state import EmulatorState, Principal
from scripts.rehearsal_journeys import (
    ADMIN,
    MEMBER,
    OUTSIDER,
    Result,
    app_journeys,
    run_journeys,
    user_journeys,
)
from server.config import PROJECT_ROOT, Settings
from server.local_workspace.setup import ensure_models

REHEARSAL_DIR = PROJECT_ROOT / ".rehearsal"
UV = PROJECT_ROOT / ".tools" / "bin" / "uv"
BUNDLE_VARIABLES = {"serving_endpoint": "taxi-fare-regressor"}
START_TIMEOUT_SECONDS = 90


def copy_deployed_files(destination: Path) -> None:
    """The files a bundle deploy uploads: every file .gitignore does not exclude, plus the built
    client (`sync.include`)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    dist = PROJECT_ROOT / "client" / "dist"
    if dist.is_dir():
        shutil.copytree(dist, destination / "client" / "dist")


def clean_environment(requirements: Path) -> Path:
    """A virtual environment with only `requirements` installed (kept per requirements' hash)."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:12]
    venv = REHEARSAL_DIR / f"venv-{digest}"
    python = venv / "bin" / "python"
    if not python.exists():
        shutil.rmtree(REHEARSAL_DIR, ignore_errors=True)
        subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(venv)], check=True)
        subprocess.run(
            [str(UV), "pip", "install", "-q", "--python", str(python), "-r", str(requirements)],
            check=True,
        )
    return python


@contextmanager
def running_app(python: Path, source: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """The app started as Apps starts it (app.yaml's command, that environment only)."""
    command = [str(python), *load_command(source)[1:]]
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    url = f"http://127.0.0.1:{env['DATABRICKS_APP_PORT']}"
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=source, env=base | env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def load_command(source: Path) -> list[str]:
    """app.yaml's `command`, whose first word is the interpreter."""
    bundle = load_bundle(source / "databricks.yml", "dev", BUNDLE_VARIABLES)
    return [str(word) for word in bundle.app_yaml["command"]]


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll /health until the app answers; fail if it exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode} while starting")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the app did not answer within {START_TIMEOUT_SECONDS} s")


def grant(admin: WorkspaceClient, principal: str, securable: str, privileges: list[str]) -> None:
    """GRANT `privileges` ON `securable` TO `principal`, as a workspace admin would."""
    kind = {1: "catalog", 2: "schema", 3: "table"}[len(securable.split("."))]
    change = PermissionsChange(principal=principal, add=[Privilege(p) for p in privileges])
    admin.grants.update(kind, securable, changes=[change])


def rehearse(app_url: str, state: EmulatorState, admin: WorkspaceClient) -> list[Result]:
    """Every persona and setting, in order."""
    results: list[Result] = []
    with httpx.Client(base_url=app_url, timeout=60) as client:
        for persona in (ADMIN, MEMBER, OUTSIDER):
            token, _ = state.issue_user_token(Principal(persona, persona.split("@")[0]))
            setting = "user authorization on"
            results += run_journeys(client, persona, setting, user_journeys(persona), token)
        setting = "user authorization off"
        results += run_journeys(client, MEMBER, setting, app_journeys(MEMBER, False), None)
        grant(admin, state.sp_client_id, "main", ["USE_CATALOG"])
        grant(admin, state.sp_client_id, "main.samples", ["USE_SCHEMA", "SELECT"])
        setting = "user authorization off, after the service principal's grants"
        results += run_journeys(client, MEMBER, setting, app_journeys(MEMBER, True), None)
    return results


def report(results: list[Result], log: Path) -> int:
    """Print each failure and the summary line; the exit code."""
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(f"FAILED {r.setting} / {r.persona} / {r.journey.name}: {r.detail}")
    if failed:
        print(f"(the app's log: {log})")
    print(f"deploy rehearsal: {len(results) - len(failed)} journeys passed, {len(failed)} failed")
    return 1 if failed else 0


def main() -> int:
    """Run the rehearsal; exit 1 when a journey fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    settings = Settings(_env_file=None, app_mode="local")
    ensure_models(settings.local_workspace_dir)
    python = clean_environment(PROJECT_ROOT / "requirements.txt")
    with tempfile.TemporaryDirectory(prefix="rehearsal-") as tmp:
        source = Path(tmp)
        copy_deployed_files(source)
        bundle = load_bundle(source / "databricks.yml", "dev", BUNDLE_VARIABLES)
        emulator = create_emulator(settings, free_port(), bundle=bundle)
        with serve_in_thread(emulator) as url:
            state: EmulatorState = emulator.state.emulator
            admin_token, _ = state.issue(Principal(ADMIN, "admin"))
            admin = WorkspaceClient(host=url, token=admin_token, auth_type="pat")
            grant(admin, OUTSIDER, "samples.tpch", ["USE_SCHEMA"])
            grant(admin, OUTSIDER, "samples.tpch.nation", ["SELECT"])
            ws = emulator_workspace(emulator)
            port = free_port()
            env = app_environment(emulator.state.deployment, bundle.app_yaml, url, ws, port)
            log = REHEARSAL_DIR / "app.log"
            with running_app(python, source, env, log) as app_url:
                results = rehearse(app_url, state, admin)
    return report(results, log)


if __name__ == "__main__":
    sys.exit(main())
