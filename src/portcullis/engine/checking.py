"""A file read and validated, as chunks of checked records.

Chunks come in file order; when the file breaks off part-way, the records read before the
break come first and the FileFormatError after them, so that a caller can keep them.

(Checking in a worker process while the caller stores was measured and dropped: sending a
validated declaration between processes costs about as much as validating it.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from portcullis.engine.formats import (
    FileFormatError,
    ReadProblem,
    SourceRecord,
    WcoIntake,
    open_reader,
)
from portcullis.engine.validation import ValidationContext, ValidDeclaration, validate_declaration


@dataclass(frozen=True, slots=True)
class Rejection:
    """One problem with one record, located as the file locates it."""

    location: str  # "row 12", "line 3", "record 4"
    declaration_id: str | None
    field: str  # as the file names it ("HS6 Code"), or a canonical path; "" for the record
    message: str
    value: str | None = None  # already escaped and shortened

    def line(self) -> str:
        where = self.location
        if self.declaration_id:
            where += f" (declaration {self.declaration_id})"
        if not self.field:
            return f"{where}: {self.message}"
        shown = f" '{self.value}'" if self.value is not None else ""
        return f"{where}: {self.field}{shown} {self.message}"


@dataclass(frozen=True, slots=True)
class Accepted:
    record: SourceRecord  # where it is in the file
    valid: ValidDeclaration


Checked = Accepted | tuple[Rejection, ...]


@dataclass(frozen=True, slots=True)
class CheckedChunk:
    records: list[Checked]
    progress: tuple[int, int]  # (done, total) in the reader's unit


def check(result: SourceRecord | ReadProblem, context: ValidationContext) -> Checked:
    """One record as read, validated."""
    if isinstance(result, ReadProblem):
        return tuple(
            Rejection(result.location, result.declaration_id, p.field, p.message, p.value)
            for p in result.problems
        )
    checked = validate_declaration(result.raw, context)
    if isinstance(checked, list):
        rejections = []
        for problem in checked:
            location, name = result.locate(problem.field)
            rejections.append(
                Rejection(location, result.declaration_id, name, problem.message, problem.value)
            )
        return tuple(rejections)
    return Accepted(result, checked)


def check_file(
    path: Path,
    fmt: str,
    encoding: str | None,
    context: ValidationContext,
    chunk_size: int,
    intake: WcoIntake | None = None,
) -> Iterator[CheckedChunk]:
    """Chunks of at most ``chunk_size`` checked records, with the reader's progress."""
    reader = open_reader(path, fmt, encoding, intake)
    try:
        pending: list[Checked] = []
        try:
            for result in reader:
                pending.append(check(result, context))
                if len(pending) >= chunk_size:
                    yield CheckedChunk(pending, reader.progress())
                    pending = []
        except FileFormatError:
            if pending:
                yield CheckedChunk(pending, reader.progress())
            raise
        if pending:
            yield CheckedChunk(pending, reader.progress())
    finally:
        reader.close()
