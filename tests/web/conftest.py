"""Database tests: the same suite runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from portcullis.engine.model.training import TrainingSettings
from portcullis.web.accounts.roles import Role, ensure_role_groups, give_role
from portcullis.web.scoring import live, registry
from portcullis.web.scoring.training import train_from_history
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.importing import ImportResult, import_file
from tests.builders import first_kcs_rows


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


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the installation's language: a request in French (the locale
    middleware) leaves French active in the thread, and the next test would read it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def fresh_engine(settings):
    """Each test builds its engine from its own database, history refreshed at once."""
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    live.forget()
    yield
    live.forget()


@pytest.fixture
def run_import():
    def run(path: Path, fmt: str = "kcs", **options) -> Imported:  # type: ignore[no-untyped-def]
        lines: list[str] = []
        result = import_file(Actor.system(), path, fmt, report=lines.append, **options)
        return Imported(result, lines)

    return run


@pytest.fixture
def users(django_user_model):
    """Three standing users with their roles: an analyst who writes profiles, a supervisor
    who approves them, and an officer (posted nowhere yet)."""
    groups = ensure_role_groups()
    made = {}
    for name, role in (("analyst", Role.ANALYST), ("supervisor", Role.SUPERVISOR),
                       ("officer", Role.OFFICER)):  # fmt: skip
        made[name] = django_user_model.objects.create_user(name, password="not-used-here-123")
        give_role(made[name], role, groups)
    return made


@pytest.fixture
def kcs_slice(tmp_path):
    """Two files from the bundled KCS 2020 data: its first 2,400 rows (about three weeks of
    January) to learn from, and the 600 after them to assess."""
    lines = first_kcs_rows(3000).splitlines(keepends=True)
    history = tmp_path / "history.csv"
    history.write_text("".join(lines[:2401]), encoding="utf-8")
    later = tmp_path / "later.csv"
    later.write_text(lines[0] + "".join(lines[2401:]), encoding="utf-8")
    return history, later


@pytest.fixture
def trained(settings, tmp_path, kcs_slice, run_import):
    """The history imported and a model trained on it, active, with its policy calibrated."""
    settings.PORTCULLIS_MODELS_DIR = tmp_path / "models"
    registry.load.cache_clear()
    run_import(kcs_slice[0])
    return train_from_history(None, activate=True, settings=TrainingSettings(max_rounds=30))
