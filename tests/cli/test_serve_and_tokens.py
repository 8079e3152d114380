"""`portcullis token` and `portcullis serve`, run as an operator runs them."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.cli.serving import running_server


def test_tokens_are_created_listed_and_revoked(portcullis):
    created = portcullis(
        "token", "create", "UNI-PASS", "--scopes", "declarations:submit,decisions:read"
    )
    assert created.code == 0, created.text
    prefix = re.search(r"Token (\w+) for UNI-PASS", created.out).group(1)
    secret = created.out.strip().splitlines()[-1]
    assert secret.startswith(f"pct_{prefix}_")
    listed = portcullis("token", "list")
    assert prefix in listed.out
    assert secret not in listed.out  # secrets are never shown again
    assert "live" in listed.out
    assert portcullis("token", "revoke", prefix).code == 0
    assert f"{prefix}  UNI-PASS" in portcullis("token", "list").out
    assert "revoked" in portcullis("token", "list").out


def test_an_unknown_scope_is_refused_with_the_known_ones(portcullis):
    refused = portcullis("token", "create", "X", "--scopes", "everything")
    assert refused.code != 0
    assert "declarations:submit" in refused.err


@pytest.fixture
def server(portcullis, tmp_path):
    with running_server(portcullis.env, workers=2, log=tmp_path / "server.log") as base:
        yield base


def test_serve_answers_the_api_and_its_docs_with_local_assets(server):
    assert httpx.get(f"{server}/api/v1/health").json() == {"status": "ok"}
    ready = httpx.get(f"{server}/api/v1/ready")
    assert ready.status_code == 503  # no model trained in this data directory
    assert ready.json()["database"] is True
    docs = httpx.get(f"{server}/api/v1/docs")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served locally"
        assert httpx.get(f"{server}{asset}").status_code == 200, asset
    spec = httpx.get(f"{server}/api/v1/openapi.json").json()
    assert "/api/v1/declarations" in spec["paths"]
    anonymous = httpx.post(f"{server}/api/v1/declarations", json={})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
