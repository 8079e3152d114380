"""Whether this process can assess declarations now: the database answers and takes a write,
and the active model's files are there as trained (their checksums), so that nothing is
held for a fault a probe could have seen first."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    try:  # a write that changes nothing, then rolled back: read-only and full disks refuse it
        with transaction.atomic():
            EngineState.objects.get_or_create(pk=1)
            EngineState.objects.filter(pk=1).update(configuration=F("configuration"))
            raise _RolledBack
    except _RolledBack:
        found.writable = True
    except DatabaseError as error:
        found.problems.append(f"the database takes no writes ({_first_line(error)})")
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


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
