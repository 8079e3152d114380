"""Importing a file of declarations: check, store, report.

The same validation and storing as every other channel; what this adds is the file: where
each record is in it, a rejects CSV, progress, and an ImportBatch that says what happened.
Good records are stored even when others in the file are rejected; a file cut short keeps
what was read before the break. Each chunk of the file is one transaction: its declarations
and the outcomes the file gives for them (recorded as the inspections use case records
imported outcomes, which tells the serving engines). A run whose process stops without
finishing is marked interrupted by the next one (``mark_interrupted``)."""

from __future__ import annotations

import hashlib
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from portcullis.engine.checking import (
    Accepted,
    CheckedChunk,
    Rejection,
    check_file,
)
from portcullis.engine.formats import FileFormatError, WcoIntake
from portcullis.engine.validation import ValidationContext
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record as audit
from portcullis.web.declarations.models import Declaration, ImportBatch
from portcullis.web.declarations.rejects import RejectsFile
from portcullis.web.declarations.storing import (
    Outcome,
    PartyIds,
    StoreResult,
    store_declarations,
)
from portcullis.web.inspections.outcomes import expected_duty_of
from portcullis.web.reference.rates import rate_book
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.collector import collect_garbage_less_often
from portcullis.web.usecases.inspections import ImportedOutcome, record_imported_outcomes
from portcullis.web.usecases.transactions import atomic

CHUNK = 2000  # declarations per transaction: big enough for bulk speed, small for memory
Progress = Callable[[int, int], None]
Report = Callable[[str], None]
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class ImportResult:
    batch: ImportBatch
    notices: list[str] = field(default_factory=list)  # repeated ids, not errors
    seconds: float = 0.0
    # Every declaration id the file holds that is stored now (new or already there).
    declaration_ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.batch.status == ImportBatch.Status.FAILED

    def summary(self) -> str:
        batch = self.batch
        rate = batch.records / self.seconds if self.seconds else 0.0
        text = (
            f"{batch.source_name}: {batch.records:,} declaration{'' if batch.records == 1 else 's'}"
            f" read; {batch.stored:,} stored, "
            f"{batch.unchanged:,} already stored, {batch.conflicts:,} conflicts, "
            f"{batch.rejected:,} rejected ({self.seconds:.1f} s, {rate:,.0f} declarations/s)"
        )
        if batch.records and batch.stored == 0 and batch.unchanged == batch.records:
            text += "\nNothing new: every declaration in the file was already stored."
        if batch.rejects_file:
            text += f"\nRejected records are listed in {batch.rejects_file}"
        return text


class _FileImport:
    def __init__(
        self, batch: ImportBatch, rejects: RejectsFile, report: Report, actor: Actor
    ) -> None:
        self.actor = actor
        self.batch = batch
        self.rejects = rejects
        self.report = report
        self.first_location: dict[str, str] = {}  # declaration id -> where it first appeared
        self.party_ids = PartyIds()
        self.notices: list[str] = []
        self.conflicting: set[str] = set()

    def accepted_ids(self) -> list[str]:
        return [i for i in self.first_location if i not in self.conflicting]

    def reject(self, rejection: Rejection) -> None:
        self.rejects.write(rejection)
        self.report(rejection.line())

    def process(self, chunk: CheckedChunk) -> None:
        accepted: list[Accepted] = []
        for checked in chunk.records:
            self.batch.records += 1
            if isinstance(checked, Accepted):
                accepted.append(checked)
                continue
            self.batch.rejected += 1
            for rejection in checked:
                self.reject(rejection)

        def store() -> tuple[list[StoreResult], PartyIds]:
            attempt = self.party_ids.attempt()
            book = rate_book()
            stored = store_declarations(
                [a.valid for a in accepted],
                source=Declaration.Source.FILE,
                batch=self.batch,
                party_ids=attempt,
                received_by=self.actor.account,
            )
            record_imported_outcomes(
                [
                    ImportedOutcome(
                        result.pk,
                        a.valid.declaration.outcome,
                        expected_duty_of(a.valid.declaration, book),
                    )
                    for a, result in zip(accepted, stored, strict=True)
                    if result.outcome is Outcome.STORED
                    and result.pk is not None
                    and a.valid.declaration.outcome is not None
                ],
                self.actor.account,
            )
            return stored, attempt

        stored, attempt = atomic(store, retry_on_integrity=True, before_retry=self.party_ids.forget)
        self.party_ids.keep(attempt)
        for accepted_record, result in zip(accepted, stored, strict=True):
            self._count(accepted_record, result)

    def _count(self, accepted: Accepted, result: StoreResult) -> None:
        record = accepted.record
        declaration_id = accepted.valid.declaration.declaration_id
        earlier = self.first_location.setdefault(declaration_id, record.location)
        repeated = earlier != record.location
        if result.outcome is Outcome.STORED:
            self.batch.stored += 1
        elif result.outcome is Outcome.UNCHANGED:
            self.batch.unchanged += 1
            if repeated:
                notice = f"{record.location}: declaration {declaration_id} repeats {earlier} "
                self.notices.append(notice + "(identical); stored once")
                self.report(self.notices[-1])
        else:
            self.batch.conflicts += 1
            if not repeated:
                self.conflicting.add(declaration_id)
            against = f"{earlier} of this file" if repeated else "the declaration already stored"
            differing = result.differing_fields
            fields = ", ".join(record.locate(path)[1] for path in differing[:8])
            more = f" and {len(differing) - 8} more" if len(differing) > 8 else ""
            message = (
                f"conflicts with {against} under the same id (differs in: {fields}{more}); "
                "not stored: send an amendment to change a declaration"
            )
            self.reject(Rejection(record.location, declaration_id, "", message))


def _rejects_path(batch: ImportBatch, path: Path) -> Path:
    name = _UNSAFE_NAME.sub("_", path.name)[:80]
    return Path(settings.PORTCULLIS_REJECTS_DIR) / f"import-{batch.pk}-{name}.rejects.csv"


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


# A running import writes its batch row after every chunk (seconds apart); one silent for
# this long has stopped, whatever its process table says.
STALE_AFTER = timedelta(minutes=30)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def mark_interrupted() -> int:
    """Mark the import runs whose process stopped without finishing (killed, machine lost):
    on this host, those whose process is gone; anywhere, those silent for STALE_AFTER."""
    here = socket.gethostname()
    marked = 0
    running = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING)
    stale = timezone.now() - STALE_AFTER
    for batch in running.only("pk", "host", "pid", "heartbeat_at", "started_at"):
        last = batch.heartbeat_at or batch.started_at
        gone = batch.host == here and batch.pid is not None and not _alive(batch.pid)
        if gone or last < stale:
            updated = ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.RUNNING
            ).update(
                status=ImportBatch.Status.INTERRUPTED,
                message="interrupted: its process stopped before the end; what it stored "
                "is kept, and importing the file again completes it",
                finished_at=timezone.now(),
            )
            marked += updated
    return marked


@use_case(
    "declaration.import",
    N_("import files of declarations"),
    permission="declarations.add_declaration",
    scope=Scope.SUBMIT,
)
def import_file(
    actor: Actor,
    path: Path,
    fmt: str,
    *,
    encoding: str | None = None,
    schemas: Path | None = None,
    progress: Progress | None = None,
    report: Report | None = None,
) -> ImportResult:
    """Import ``path`` (a file, or a folder of WCO messages) in layout ``fmt``. Problems go
    to ``report`` (one line each) and to a rejects CSV; the returned batch has the counts.
    WCO messages are checked against the XSDs in ``schemas`` first, when given."""
    mark_interrupted()
    started = timezone.now()
    batch = ImportBatch.objects.create(
        source_name=path.name[:500],
        file_sha256=_sha256(path) if path.is_file() else "",
        format=fmt,
        created_by=actor.account,
        host=socket.gethostname()[:255],
        pid=os.getpid(),
        heartbeat_at=started,
    )
    audit(
        actor.account,
        "declaration.import",
        batch,
        f"import of {batch.source_name} started",
        format=fmt,
        **actor.audit_details(),
    )
    rejects = RejectsFile(_rejects_path(batch, path))
    job = _FileImport(batch, rejects, report or (lambda line: None), actor)
    try:
        context = ValidationContext(tz=ZoneInfo(settings.TIME_ZONE))
        with collect_garbage_less_often():
            intake = WcoIntake(office=settings.PORTCULLIS_DEFAULT_OFFICE, schemas=schemas)
            for chunk in check_file(path, fmt, encoding, context, CHUNK, intake):
                job.process(chunk)
                batch.heartbeat_at = timezone.now()
                batch.save()
                if progress:
                    progress(*chunk.progress)
        batch.status = ImportBatch.Status.COMPLETED
    except FileFormatError as error:
        batch.status = ImportBatch.Status.FAILED
        batch.message = str(error)
    except BaseException as error:
        batch.status = ImportBatch.Status.FAILED
        batch.message = f"interrupted: {type(error).__name__}"
        raise
    finally:
        rejects.close()
        batch.rejects_file = str(rejects.path) if rejects.written else ""
        batch.finished_at = timezone.now()
        batch.save()
    return ImportResult(
        batch, job.notices, (batch.finished_at - started).total_seconds(), job.accepted_ids()
    )
