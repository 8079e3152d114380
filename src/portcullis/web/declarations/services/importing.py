"""Importing a file of declarations: read, validate, store, report.

The same validation and storing as every other channel; what this adds is the file: where
each record is in it, a rejects CSV, progress, and an ImportBatch that says what happened.
Good records are stored even when others in the file are rejected; a file cut short keeps
what was read before the break."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from portcullis.engine.formats import (
    FileFormatError,
    ReadProblem,
    ReadResult,
    SourceRecord,
    open_reader,
)
from portcullis.engine.validation import ValidationContext, ValidDeclaration, validate_declaration
from portcullis.web.declarations.models import Declaration, ImportBatch
from portcullis.web.declarations.services.rejects import Rejection, RejectsFile
from portcullis.web.declarations.services.storing import Outcome, store_declarations

CHUNK = 2000  # declarations per transaction: big enough for bulk speed, small for memory
Progress = Callable[[int, int], None]
Report = Callable[[str], None]
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class ImportResult:
    batch: ImportBatch
    notices: list[str] = field(default_factory=list)  # repeated ids, not errors
    seconds: float = 0.0

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
        self.context = ValidationContext(tz=ZoneInfo(settings.TIME_ZONE))
        self.first_location: dict[str, str] = {}  # declaration id -> where it first appeared
        self.notices: list[str] = []

    def reject(self, rejection: Rejection) -> None:
        self.rejects.write(rejection)
        self.report(rejection.line())

    def process(self, chunk: list[ReadResult]) -> None:
        valid: list[tuple[ValidDeclaration, SourceRecord]] = []
        for result in chunk:
            self.batch.records += 1
            if isinstance(result, ReadProblem):
                self.batch.rejected += 1
                for problem in result.problems:
                    self.reject(
                        Rejection(
                            result.location,
                            result.declaration_id,
                            problem.field,
                            problem.message,
                            problem.value,
                        )
                    )
                continue
            checked = validate_declaration(result.raw, self.context)
            if isinstance(checked, list):
                self.batch.rejected += 1
                for problem in checked:
                    location, name = result.locate(problem.field)
                    self.reject(
                        Rejection(
                            location, result.declaration_id, name, problem.message, problem.value
                        )
                    )
                continue
            valid.append((checked, result))
        stored = store_declarations(
            [declaration for declaration, _ in valid],
            source=Declaration.Source.FILE,
            batch=self.batch,
        )
        for (declaration, record), outcome in zip(valid, stored, strict=True):
            self._count(declaration, record, outcome.outcome, outcome.differing_fields)

    def _count(
        self,
        valid: ValidDeclaration,
        record: SourceRecord,
        outcome: Outcome,
        differing: tuple[str, ...],
    ) -> None:
        declaration_id = valid.declaration.declaration_id
        earlier = self.first_location.setdefault(declaration_id, record.location)
        repeated = earlier != record.location
        if outcome is Outcome.STORED:
            self.batch.stored += 1
        elif outcome is Outcome.UNCHANGED:
            self.batch.unchanged += 1
            if repeated:
                notice = f"{record.location}: declaration {declaration_id} repeats {earlier} "
                self.notices.append(notice + "(identical); stored once")
                self.report(self.notices[-1])
        else:
            self.batch.conflicts += 1
            against = f"{earlier} of this file" if repeated else "the declaration already stored"
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
        with closing(open_reader(path, fmt, encoding)) as reader:
            records = iter(reader)
            for chunk in _chunks_keeping_partial(records, job):
                job.process(chunk)
                batch.save()
                if progress:
                    progress(*reader.progress())
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
    return ImportResult(batch, job.notices, (batch.finished_at - started).total_seconds())


def _chunks_keeping_partial(
    records: Iterator[ReadResult], job: _FileImport
) -> Iterator[list[ReadResult]]:
    """Chunks of records; when the file breaks off part-way, the records read before the
    break are processed before the error goes up."""
    pending: list[ReadResult] = []
    try:
        for result in records:
            pending.append(result)
            if len(pending) >= CHUNK:
                yield pending
                pending = []
    except FileFormatError:
        if pending:
            job.process(pending)
        raise
    if pending:
        yield pending
