"""Importing a file of declarations: check, store, report.

The same validation and storing as every other channel; what this adds is the file: where
each record is in it, a rejects CSV, progress, and an ImportBatch that says what happened.
Good records are stored even when others in the file are rejected; a file cut short keeps
what was read before the break."""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from portcullis.engine.checking import (
    Accepted,
    CheckedChunk,
    Rejection,
    check_file,
)
from portcullis.engine.formats import FileFormatError
from portcullis.engine.validation import ValidationContext
from portcullis.web.declarations.models import Declaration, ImportBatch
from portcullis.web.declarations.services.rejects import RejectsFile
from portcullis.web.declarations.services.storing import (
    Outcome,
    PartyIds,
    StoreResult,
    store_declarations,
)

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
    def __init__(self, batch: ImportBatch, rejects: RejectsFile, report: Report) -> None:
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
        stored = store_declarations(
            [a.valid for a in accepted],
            source=Declaration.Source.FILE,
            batch=self.batch,
            party_ids=self.party_ids,
        )
        for record, result in zip(accepted, stored, strict=True):
            self._count(record, result)

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


@contextmanager
def _collect_garbage_less_often() -> Iterator[None]:
    """An import makes millions of short-lived objects that reference counting frees; at its
    default pace the cyclic collector re-scans every live object over and over, which was
    measured at a fifth to a third of an import's time. It still runs, less often."""
    previous = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _rejects_path(batch: ImportBatch, path: Path) -> Path:
    name = _UNSAFE_NAME.sub("_", path.name)[:80]
    return Path(settings.PORTCULLIS_REJECTS_DIR) / f"import-{batch.pk}-{name}.rejects.csv"


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def import_file(
    path: Path,
    fmt: str,
    *,
    encoding: str | None = None,
    user: object | None = None,
    progress: Progress | None = None,
    report: Report | None = None,
) -> ImportResult:
    """Import ``path`` in layout ``fmt``. Problems go to ``report`` (one line each) and to a
    rejects CSV; the returned batch has the counts."""
    started = timezone.now()
    batch = ImportBatch.objects.create(
        source_name=path.name[:500],
        file_sha256=_sha256(path) if path.is_file() else "",
        format=fmt,
        created_by=user if getattr(user, "pk", None) else None,
    )
    rejects = RejectsFile(_rejects_path(batch, path))
    job = _FileImport(batch, rejects, report or (lambda line: None))
    try:
        context = ValidationContext(tz=ZoneInfo(settings.TIME_ZONE))
        with _collect_garbage_less_often():
            for chunk in check_file(path, fmt, encoding, context, CHUNK):
                job.process(chunk)
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
