"""Database tests: the same suite runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from portcullis.web.declarations.services.importing import ImportResult, import_file


@dataclass
class Imported:
    result: ImportResult
    lines: list[str] = field(default_factory=list)

    @property
    def batch(self):  # type: ignore[no-untyped-def]
        return self.result.batch


@pytest.fixture(autouse=True)
def _rejects_in_tmp(settings, tmp_path):
    settings.PORTCULLIS_REJECTS_DIR = tmp_path / "rejects"


@pytest.fixture
def run_import():
    def run(path: Path, fmt: str = "kcs", **options) -> Imported:  # type: ignore[no-untyped-def]
        lines: list[str] = []
        result = import_file(path, fmt, report=lines.append, **options)
        return Imported(result, lines)

    return run
