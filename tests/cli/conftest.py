"""The `portcullis` command run as a user runs it: a separate process, its own data directory
(SQLite, whatever DATABASE_URL the test run itself uses)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


class Portcullis:
    def __init__(self, data_dir: Path) -> None:
        self.env = {**os.environ, "PORTCULLIS_DATA_DIR": str(data_dir)}
        self.env.pop("DATABASE_URL", None)
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.data_dir = data_dir

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Run:
        done = subprocess.run(
            [sys.executable, "-m", "portcullis", *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def portcullis(tmp_path_factory) -> Portcullis:
    command = Portcullis(tmp_path_factory.mktemp("cli-data"))
    migrated = command("migrate", "-v0")
    assert migrated.code == 0, migrated.text
    return command


@pytest.fixture
def fresh_portcullis(tmp_path_factory) -> Portcullis:
    """A data directory of its own, migrated: for tests that depend on what is not there."""
    command = Portcullis(tmp_path_factory.mktemp("cli-fresh"))
    migrated = command("migrate", "-v0")
    assert migrated.code == 0, migrated.text
    return command
