"""WCO Data Model goods declarations: one XML message per file, or a folder of them (each
``*.xml`` file, in name order). A message that cannot be read or mapped is rejected in one
line naming the element and the rule; the others are read on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from portcullis.engine.formats.base import FileFormatError, ReadProblem, ReadResult, SourceRecord
from portcullis.engine.formats.safexml import MAX_MESSAGE_BYTES, UnsafeXml, parse_message
from portcullis.engine.formats.wcomessage import (
    COLUMNS,
    DEC,
    MessageProblem,
    WcoIntake,
    declaration_record,
)
from portcullis.engine.formats.wcoschema import compiled, schema_problem
from portcullis.engine.validation import FieldProblem

# How a file shows itself as a WCO declaration: its namespace within the first bytes.
_SNIFF_BYTES = 4096


def looks_like_wco(path: Path) -> bool:
    """Whether ``path`` (a file, or a folder's first .xml file) is a DEC-DMS message."""
    if path.is_dir():
        path = next(iter(sorted(path.glob("*.xml"))), path)
        if path.is_dir():
            return False
    try:
        with path.open("rb") as file:
            return DEC.encode() in file.read(_SNIFF_BYTES)
    except OSError:
        return False


def read_message(
    data: bytes, location: str, received_at: datetime, defaults: WcoIntake
) -> ReadResult:
    """One message's bytes as a record, or the one problem that stops it."""
    try:
        root = parse_message(data)
        if defaults.schemas is not None:
            broken = schema_problem(defaults.schemas, root)
            if broken is not None:
                return ReadProblem(location, None, (FieldProblem("", f"the message {broken}"),))
        record, sequences = declaration_record(root, received_at, defaults)
    except UnsafeXml as error:
        return ReadProblem(location, None, (FieldProblem("", f"the message {error}"),))
    except MessageProblem as problem:
        found = FieldProblem(problem.element, problem.message)
        return ReadProblem(location, problem.declaration_id, (found,))
    items = tuple(f"{location} goods item {sequence}" for sequence in sequences)
    return SourceRecord(location, record, items, COLUMNS)


class WcoReader:
    def __init__(
        self,
        path: Path,
        encoding: str | None = None,
        defaults: WcoIntake | None = None,
        received_at: datetime | None = None,
    ) -> None:
        # The encoding is the message's own (its XML declaration); none is imposed on it.
        self._defaults = defaults or WcoIntake()
        if self._defaults.schemas is not None:
            compiled(self._defaults.schemas)  # a folder without usable schemas stops here
        self._received_at = received_at or datetime.now(UTC)
        if path.is_dir():
            self._files = sorted(p for p in path.glob("*.xml") if p.is_file())
            if not self._files:
                raise FileFormatError("the directory holds no .xml file (one WCO message each)")
            self._base: Path | None = path
        elif not path.is_file():
            raise FileFormatError("cannot open the file: No such file or directory")
        else:
            self._files, self._base = [path], None
        self._done = 0

    def __iter__(self) -> Iterator[ReadResult]:
        for file in self._files:
            location = file.name if self._base is not None else "message"
            self._done += 1
            try:
                size = file.stat().st_size
                if size > MAX_MESSAGE_BYTES:
                    problem = FieldProblem(
                        "", f"the message is {size:,} bytes; at most {MAX_MESSAGE_BYTES:,}"
                    )
                    yield ReadProblem(location, None, (problem,))
                    continue
                data = file.read_bytes()
            except OSError as error:
                problem = FieldProblem("", f"cannot be read ({error.strerror})")
                yield ReadProblem(location, None, (problem,))
                continue
            yield read_message(data, location, self._received_at, self._defaults)

    def progress(self) -> tuple[int, int]:
        return self._done, len(self._files)

    def close(self) -> None:
        pass
