"""The import contracts `make lint` enforces (pyproject.toml `[tool.importlinter]`) catch a planted
forbidden import, and the repository as it is keeps them."""

import shutil
import subprocess
from pathlib import Path

import pytest

from server.config import PROJECT_ROOT

LINT_IMPORTS = PROJECT_ROOT / ".venv" / "bin" / "lint-imports"


def _copy_packages(target: Path) -> None:
    for package in ("server", "emulator"):
        shutil.copytree(
            PROJECT_ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", target / "pyproject.toml")


def _lint(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        (
            "server/services/model_serving.py",
            "import server.local_workspace.serving",
            "never import the embedded local workspace",
        ),
        (
            "server/adapters/unity_catalog/base.py",
            "from server.local_workspace import values",
            "never import the embedded local workspace",
        ),
        (
            "server/db/lakebase.py",
            "from server.adapters import workspace",
            "the database layer never imports the adapters",
        ),
    ],
)
def test_a_planted_forbidden_import_breaks_the_contract(
    tmp_path: Path, module: str, planted: str, contract: str
) -> None:
    _copy_packages(tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{planted}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert contract in " ".join(result.stdout.split())


def test_the_repository_keeps_its_contracts(tmp_path: Path) -> None:
    _copy_packages(tmp_path)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
