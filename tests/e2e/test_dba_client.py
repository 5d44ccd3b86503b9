"""dba_client against the running server process."""

import json
from types import SimpleNamespace

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
        query = '{"catalog": "main", "schema": "samples", "table": "orders", "limit": 5}'
        load = ["load", "/api/unity-catalog/query", "--method", "POST", "--body", query]
        assert dba_client.main(["--url", url, *load, "--requests", "20", "--concurrency", "4"]) == 0
        figures = json.loads(capsys.readouterr().out)
        assert figures["statuses"] == {"200": 20}
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"] <= figures["max_ms"]


class _FakeApps:
    def get(self, name: str) -> SimpleNamespace:
        assert name == "my-app"
        return SimpleNamespace(url="https://my-app-123.aws.databricksapps.com/")


class _FakeWorkspace:
    """What dba_client uses of a WorkspaceClient: apps.get and config.authenticate."""

    def __init__(self, profile: str | None = None) -> None:
        self.profile = profile
        self.apps = _FakeApps()
        self.config = SimpleNamespace(authenticate=lambda: {"Authorization": f"Bearer t-{profile}"})


def test_app_name_resolves_url_and_sdk_auth() -> None:
    args = dba_client._parser().parse_args(["--app", "my-app", "--profile", "dev", "me"])
    dba_client.resolve_app(args, _FakeWorkspace)
    assert args.url == "https://my-app-123.aws.databricksapps.com"
    assert dba_client._headers(args) == {"Authorization": "Bearer t-dev"}
