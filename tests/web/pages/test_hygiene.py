"""What a signed-in person saw is never cached; every answer says what it may load; a 403
is one line in the log; the data directory is the service user's alone."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from portcullis.web.environment import keep_private
from portcullis.web.pages.security import API_POLICY

pytestmark = pytest.mark.django_db


def test_pages_api_answers_and_exports_are_not_cached(site, as_user):
    officer = as_user("officer")
    for url in (
        reverse("worklist"),
        reverse("declaration", args=[site.mine]),
        reverse("worklist") + "?format=csv",
        f"/api/v1/declarations/{site.mine}",
    ):
        reply = officer.get(url)
        assert reply.status_code == 200, url
        assert "no-store" in reply["Cache-Control"], url
    assert "no-store" in Client().get("/api/v1/health")["Cache-Control"]


def test_api_answers_load_nothing_and_its_docs_page_has_a_policy(site):
    answer = Client().get("/api/v1/health")
    assert answer["Content-Security-Policy"] == API_POLICY
    docs = Client().get("/api/v1/docs")
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    assert "unsafe-eval" not in docs["Content-Security-Policy"]


def test_hsts_is_sent_over_https_when_https_is_on(site, as_user, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    reply = as_user("officer").get(reverse("dashboard"), secure=True)
    assert reply["Strict-Transport-Security"] == "max-age=31536000"


def test_a_refusal_is_one_line_in_the_log(site, as_user, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    assert as_user("officer").get(reverse("audit")).status_code == 403
    forbidden = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in forbidden] == ["Forbidden: /audit/"]
    assert all(r.exc_info is None for r in forbidden)


def test_the_data_directory_is_made_private(tmp_path):
    folder = tmp_path / "data"
    (folder / "history").mkdir(parents=True)
    leaked = folder / "history" / "items.parquet"
    leaked.write_bytes(b"x")
    folder.chmod(0o755)
    leaked.chmod(0o644)
    keep_private(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "history").stat().st_mode) == 0o700
    assert stat.S_IMODE(leaked.stat().st_mode) == 0o600


@pytest.mark.slow
def test_a_new_installation_s_files_are_private(tmp_path):
    data = tmp_path / "var"
    env = {**os.environ, "PORTCULLIS_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    env.pop("PORTCULLIS_SELECTION_SEED", None)  # as on a new machine: generated and kept
    done = subprocess.run(
        [sys.executable, "-m", "portcullis", "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    files = [p for p in data.rglob("*") if p.is_file() and "static" not in p.parts]
    assert {p.name for p in files} >= {"portcullis.sqlite3", "secret_key", "selection_seed"}
    for path in [data, *files]:
        mode = stat.S_IMODE(Path(path).stat().st_mode)
        assert mode & 0o077 == 0, f"{path}: {oct(mode)}"
