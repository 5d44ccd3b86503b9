"""dba_client against the running server process."""

import pytest

from scripts import dba_client
from tests.e2e.server_process import running_server


def test_client_commands_and_load(capsys: pytest.CaptureFixture[str]) -> None:
    with running_server() as url:
        assert dba_client.main(["--url", url, "--as", "alice@example.com", "me"]) == 0
        assert "alice@example.com" in capsys.readouterr().out
        assert (
            dba_client.main(["--url", url, "query", "main", "samples", "orders", "--limit", "2"])
            == 0
        )
        assert '"row_count": 2' in capsys.readouterr().out
        assert (
            dba_client.main(
                [
                    "--url",
                    url,
                    "load",
                    "/api/unity-catalog/catalogs",
                    "--requests",
                    "40",
                    "--concurrency",
                    "8",
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        assert '"200": 40' in out and "p95_ms" in out
