"""The built client's assets: precompressed codings chosen from Accept-Encoding."""

import gzip
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from server.api.static import accepted_encodings, mount_client

SCRIPT = b"console.log('hello');\n" * 200


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    assets = tmp_path / "assets"
    assets.mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    (assets / "app.js").write_bytes(SCRIPT)
    (assets / "app.js.gz").write_bytes(gzip.compress(SCRIPT))
    (assets / "plain.css").write_bytes(b"body{}")
    app = FastAPI()
    mount_client(app, tmp_path)
    return TestClient(app)


def test_accepted_encodings_reads_q_values() -> None:
    assert accepted_encodings("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert accepted_encodings("br;q=0, gzip;q=0.5, zstd;q=x") == {"gzip"}
    assert accepted_encodings("") == set()


def test_gzip_is_sent_precompressed(client: TestClient) -> None:
    response = client.get("/assets/app.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("text/javascript")
    assert int(response.headers["content-length"]) < len(SCRIPT) // 10
    assert response.content == SCRIPT


def test_missing_coding_or_refusal_falls_back_to_identity(client: TestClient) -> None:
    refused = client.get("/assets/app.js", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    assert refused.content == SCRIPT
    only_br = client.get("/assets/plain.css", headers={"Accept-Encoding": "br, gzip"})
    assert "content-encoding" not in only_br.headers
    assert only_br.content == b"body{}"
    assert "immutable" in only_br.headers["cache-control"]


def test_client_routes_get_index(client: TestClient) -> None:
    response = client.get("/unity-catalog/main/samples/orders?page=2")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert "<title>app</title>" in response.text
