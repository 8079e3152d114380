"""The API keeps to its own OpenAPI document, tested as a client meets it: schemathesis, with
every check it has (server errors, undocumented statuses and content types, bodies that do
not match, schema-valid data refused, schema-breaking data accepted, stateful sequences),
against `portcullis serve` on a history and a trained model. Its settings are in
schemathesis.toml beside this file (why 422 answers schema-valid data there)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.builders import first_kcs_rows
from tests.cli.serving import running_server

pytestmark = pytest.mark.slow
CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_the_live_api_passes_every_schemathesis_check(fresh_portcullis, tmp_path):
    history = tmp_path / "history.csv"
    history.write_text(first_kcs_rows(2400), encoding="utf-8")
    for step in (
        ("import", str(history), "--format", "kcs"),
        ("train", "--activate"),
    ):
        done = fresh_portcullis(*step)
        assert done.code == 0, done.text
    issued = fresh_portcullis("token", "create", "fuzzer", "--scopes", "admin")
    secret = issued.out.strip().splitlines()[-1]
    with running_server(fresh_portcullis.env, workers=2, log=tmp_path / "server.log") as (root, _):
        base = f"{root}/api/v1"
        assert httpx.get(f"{base}/ready", timeout=30).status_code == 200
        done = subprocess.run(
            [
                # One worker: with two threads, the generator's calls to ast.parse trip a
                # CPython 3.11 race (gh-106905, "AST constructor recursion depth mismatch").
                str(Path(sys.executable).with_name("schemathesis")), "--config-file",
                str(CONFIG), "run", f"{base}/openapi.json",
                "--checks", "all", "-H", f"Authorization: Bearer {secret}",
                "--max-examples", "10", "--seed", "3", "--workers", "1",
                "--request-timeout", "30",
            ],
            capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path,
            env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
    summary = done.stdout[-12000:] + done.stderr[-3000:]
    assert done.returncode == 0, summary
    assert "passed" in summary
