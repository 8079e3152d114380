"""Whether this process can assess declarations now: the database answers and takes a write,
and the active model's files are there as trained (their checksums), so that nothing is
held for a fault a probe could have seen first."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.db.models import F

from portcullis.engine.model.artifact import ArtifactError, ModelArtifact
from portcullis.web.scoring import registry
from portcullis.web.scoring.models import EngineState


@dataclass
class Readiness:
    database: bool = False
    writable: bool = False
    model: bool = False
    model_version: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.database and self.writable and self.model


class _RolledBack(Exception):
    pass


def readiness() -> Readiness:
    found = Readiness()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        found.database = True
    except DatabaseError as error:
        found.problems.append(f"the database cannot be reached ({_first_line(error)})")
        return found
    try:  # writes that change nothing, then rolled back: read-only and full disks refuse them
        with transaction.atomic():
            EngineState.objects.get_or_create(pk=1)
            EngineState.objects.filter(pk=1).update(configuration=F("configuration"))
            _claim_space()
            raise _RolledBack
    except _RolledBack:
        found.writable = True
    except DatabaseError as error:
        found.problems.append(f"the database takes no writes ({_first_line(error)})")
    except _DiskFull as full:
        found.problems.append(f"the database takes no writes ({full})")
    active = registry.active()
    if active is None:
        found.problems.append("no model is active: every declaration would be held for a check")
        return found
    found.model_version = active.version
    try:
        ModelArtifact.verify(registry.models_dir() / active.version)
        found.model = True
    except ArtifactError as error:
        found.problems.append(f"the active model {active.version} cannot be used: {error}")
    return found


class _DiskFull(Exception):
    pass


# Below this, SQLite would fail the next checkpoint or a large batch part-way.
SQLITE_MIN_FREE_BYTES = 16 * 1024 * 1024


def _claim_space() -> None:
    """Ask for new space on the database's disk, as a submission would: an update of an
    existing row fits in its page and succeeds on a full disk."""
    if connection.vendor == "postgresql":
        # A new relation in the database's tablespace, given one page: the file is extended
        # there and then, so a full disk answers "could not extend file". Dropped at rollback.
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE portcullis_space_probe (b bytea) ON COMMIT DROP")
            cursor.execute("INSERT INTO portcullis_space_probe VALUES (%s)", [b"probe"])
        return
    if connection.vendor == "sqlite":
        short = sqlite_short_of_space(str(connection.settings_dict["NAME"]))
        if short:
            raise _DiskFull(short)


def sqlite_short_of_space(name: str) -> str | None:
    """What is wrong with the free space beside the SQLite file ``name``, if anything: SQLite
    grows its file and its write-ahead log on the same disk."""
    if name == ":memory:" or "mode=memory" in name:
        return None
    free = shutil.disk_usage(Path(name).parent).free
    if free >= SQLITE_MIN_FREE_BYTES:
        return None
    return f"the disk of {name} has {free // 1024} KiB free"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
