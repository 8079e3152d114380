"""`portcullis token` and `portcullis serve`, run as an operator runs them."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

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
    with running_server(portcullis.env, workers=2, log=tmp_path / "server.log") as (base, _):
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


def _children(pid: int) -> dict[int, str]:
    """The live child processes of ``pid``, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid and "<defunct>" not in stat:
            found[int(entry.name)] = command
    return found


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"  # ended, not yet reaped


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
def test_serve_with_worker_runs_the_job_worker_and_stops_it_with_the_server(portcullis, tmp_path):
    log = tmp_path / "server.log"
    with running_server(portcullis.env, 1, log, "--with-worker") as (base, server):
        assert httpx.get(f"{base}/api/v1/health").status_code == 200
        workers = {}
        for _ in range(120):
            workers = {p: c for p, c in _children(server.pid).items() if "portcullis worker" in c}
            if workers:
                break
            time.sleep(0.25)
        assert len(workers) == 1, (_children(server.pid), log.read_text(errors="replace"))
        (worker,) = workers
        os.kill(server.pid, signal.SIGTERM)  # the server alone, as a supervisor stops it
        server.wait(timeout=60)
        for _ in range(240):
            if _gone(worker):
                break
            time.sleep(0.25)
        assert _gone(worker), "the job worker outlived the server"
