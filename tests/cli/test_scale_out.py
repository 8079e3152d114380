"""Scaling out: two `portcullis serve` instances on two ports, one PostgreSQL database.

The web tier keeps no state of its own: the same declaration sent to both at once is stored
once and decided once; a profile activated through one decides on the other within two
seconds; an inspection result recorded through one is read through the other at once, and
counts in the other's compliance figures within two seconds."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.builders import declaration, first_kcs_rows
from tests.cli.serving import running_server

pytestmark = pytest.mark.slow
_LOCAL = "postgres://postgres@127.0.0.1:5432/postgres"


def _server_url() -> str | None:
    """The PostgreSQL server the test run may use (PORTCULLIS_TEST_POSTGRES or a postgres
    DATABASE_URL), addressed at its administrative database."""
    given = os.environ.get("PORTCULLIS_TEST_POSTGRES") or os.environ.get("DATABASE_URL", "")
    if not given:
        return None
    if not given.startswith("postgres"):
        return _LOCAL if given == "1" else None
    return given.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture
def shared_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database of the test's own on the run's PostgreSQL server, migrated, with tokens;
    the environment a `portcullis` process needs to use it."""
    server = _server_url()
    if server is None:
        pytest.skip("two servers share PostgreSQL: set PORTCULLIS_TEST_POSTGRES")
    name = f"portcullis_scaleout_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "PORTCULLIS_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"{server.rsplit('/', 1)[0]}/{name}",
        "PORTCULLIS_HISTORY_REFRESH_SECONDS": "1",
        "PORTCULLIS_HISTORY_COPY": "1",  # as served: each instance keeps a serving history
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        _portcullis(env, "migrate", "-v0")
        clients = {
            "UNI-PASS": "declarations:submit,decisions:read,inspections:record",
            "ANALYST": "profiles:manage",
            "SUPERVISOR": "profiles:approve",
        }
        for client, scopes in clients.items():
            out = _portcullis(env, "token", "create", client, "--scopes", scopes)
            env[f"TOKEN_{client}"] = out.strip().splitlines()[-1]
        yield env
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _portcullis(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "portcullis", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _api(base: str, env: dict[str, str], client: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{base}/api/v1",
        headers={"Authorization": f"Bearer {env[f'TOKEN_{client}']}"},
        timeout=30,
    )


def _activate(
    analyst: httpx.Client, supervisor: httpx.Client, name: str, criteria: str, channel: str
) -> str:
    """A mandatory profile written by the analyst and approved by the supervisor: its code."""
    made = analyst.post(
        "/profiles",
        json={"name": name, "criteria": criteria, "mandatory": True, "channel": channel},
    )
    assert made.status_code == 201, made.text
    code: str = made.json()["code"]
    assert analyst.post(f"/profiles/{code}/versions/1/submit", json={}).status_code == 200
    approved = supervisor.post(f"/profiles/{code}/versions/1/approve", json={})
    assert approved.status_code == 200, approved.text
    return code


def _with_a_model(env: dict[str, str], tmp_path: Path) -> None:
    """Three weeks of the KCS data imported (HS 2017 is loaded for every test run) and a
    model trained on them: without an active model every declaration is held, its profiles
    unread."""
    history = tmp_path / "history.csv"
    history.write_text(first_kcs_rows(2400), encoding="utf-8")
    _portcullis(env, "import", str(history), "--format", "kcs")
    _portcullis(env, "train", "--activate")


def test_two_instances_share_one_database_and_see_each_other_s_changes(shared_database, tmp_path):
    env = shared_database
    _with_a_model(env, tmp_path)
    with (
        running_server(env, workers=1, log=tmp_path / "a.log") as (first, _),
        running_server(env, workers=1, log=tmp_path / "b.log") as (second, _),
    ):
        a, b = _api(first, env, "UNI-PASS"), _api(second, env, "UNI-PASS")

        # The same declaration sent to both at once: stored once, decided once.
        body = declaration("RACE-1")
        with ThreadPoolExecutor(max_workers=8) as pool:
            replies = list(
                pool.map(lambda n: (a, b)[n % 2].post("/declarations", json=body), range(8))
            )
        assert sorted(r.status_code for r in replies) == [200] * 7 + [201]
        assert len({r.json()["decision"]["id"] for r in replies}) == 1
        for api in (a, b):
            read = api.get("/declarations/RACE-1").json()
            assert len(read["decisions"]) == 1

        # A profile activated through the first instance decides on the second.
        before = b.post("/declarations", json=declaration("SCALE-1")).json()["decision"]
        analyst, supervisor = _api(first, env, "ANALYST"), _api(first, env, "SUPERVISOR")
        _activate(analyst, supervisor, "Cars", 'hs_code == "870323"', "red")
        activated = time.monotonic()
        for attempt in range(40):
            after = b.post("/declarations", json=declaration(f"SCALE-2-{attempt}")).json()
            if after["decision"]["versions"]["profile_set"] != before["versions"]["profile_set"]:
                break
            time.sleep(0.05)
        assert time.monotonic() - activated < 2.0
        assert after["decision"]["versions"]["profile_set"] != before["versions"]["profile_set"]

        # A result recorded through the first instance is read through the second at once.
        selected = before if before["channel"] != "green" else after["decision"]
        declared = selected["declaration_id"]
        recorded = a.post(f"/declarations/{declared}/inspection", json={"finding": False})
        assert recorded.status_code == 201, recorded.text
        assert b.get(f"/declarations/{declared}").json()["inspection"]["finding"] is False

        # An outcome recorded through the first instance counts in the second's compliance
        # figures within two seconds (added to its history, not read again).
        seen = _activate(
            analyst,
            supervisor,
            "Inspected before",
            'importer == "IMP-SEEN" and importer_inspections >= 1',
            "yellow",
        )
        car = a.post("/declarations", json=declaration("SEEN-1", importer="IMP-SEEN")).json()
        assert car["decision"]["channel"] != "green"  # selected: its result can be recorded
        recorded = a.post("/declarations/SEEN-1/inspection", json={"finding": False})
        assert recorded.status_code == 201, recorded.text
        outcome = time.monotonic()
        coffee = [{**declaration()["items"][0], "hs_code": "0901.21", "description": "Coffee"}]
        for attempt in range(40):
            now = datetime.now(UTC).isoformat()
            body = declaration(
                f"SEEN-2-{attempt}", importer="IMP-SEEN", lodged_at=now, items=coffee
            )
            after = b.post("/declarations", json=body).json()["decision"]
            if seen in [hit["profile"] for hit in after["profile_hits"]]:
                break
            time.sleep(0.05)
        assert time.monotonic() - outcome < 2.0
        assert seen in [hit["profile"] for hit in after["profile_hits"]]
