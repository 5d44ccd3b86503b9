"""The quickstart's user-story and load-test commands, run as written against the real server."""

import re
import subprocess

from server.config import PROJECT_ROOT
from tests.e2e.server_process import running_server

QUICKSTART = PROJECT_ROOT / "docs" / "quickstart.md"
DOCUMENTED_URL = "http://127.0.0.1:8000"


def _bash_blocks(section: str) -> list[str]:
    """The ```bash blocks of the quickstart section whose heading starts with `section`."""
    text = QUICKSTART.read_text()
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```bash\n(.*?)```", text[start : end if end > 0 else None], re.S)


def test_user_stories_and_load_test_run_as_documented() -> None:
    script = "\n".join(_bash_blocks("2. Walk the user stories"))
    assert script.count("\n# ") >= 8  # the nine numbered stories
    with running_server() as url:
        script = script.replace("scripts.dba_client", f"scripts.dba_client --url {url}")
        script = script.replace(DOCUMENTED_URL, url)
        run = subprocess.run(
            ["bash", "-c", script],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "Traceback" not in output
    assert output.count("HTTP 200") == 6, output  # me, catalogs, query, prefs, endpoints, invoke
    assert '"error_code": "CATALOG_PERMISSION_DENIED"' in output
    assert '"error_code": "INVALID_MODEL_INPUT"' in output
    assert '"p99_ms"' in output and '"200": 200' in output
