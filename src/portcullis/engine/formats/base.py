"""What every reader yields: raw records in the canonical shape, or problems found reading."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from portcullis.engine.validation import FieldProblem

_INDEX_RE = re.compile(r"\[\d+\]")
_ITEM_RE = re.compile(r"^items\[(\d+)\]")


def guess_id(value: Any) -> str | None:
    """A record's declaration id for messages, only if it looks like one (a broken record's
    "id" may be megabytes of garbage)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 35 and value.isprintable():
        return value.strip()
    return None


class FileFormatError(Exception):
    """The file as a whole cannot be read (empty, binary, missing columns, ...).

    The message is one line, meant for the person who sent the file."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One declaration as read from a file, before validation.

    ``location`` says where it starts ("row 12", "line 3", "record 4"); for formats with one
    row per item, ``item_locations`` says where each item is. ``columns`` maps canonical
    field paths without indexes ("items.hs_code") to the file's own names ("HS6 Code")."""

    location: str
    raw: dict[str, Any]
    item_locations: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)

    @property
    def declaration_id(self) -> str | None:
        return guess_id(self.raw.get("declaration_id"))

    def locate(self, path: str) -> tuple[str, str]:
        """(where, field name as the file calls it) for a canonical field path."""
        location = self.location
        match = _ITEM_RE.match(path)
        if match and int(match.group(1)) < len(self.item_locations):
            location = self.item_locations[int(match.group(1))]
        bare = _INDEX_RE.sub("", path)
        return location, self.columns.get(bare, path)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A record rejected while reading, before validation; fields named as the file names them."""

    location: str
    declaration_id: str | None
    problems: tuple[FieldProblem, ...]


ReadResult = SourceRecord | ReadProblem


class RecordReader(Protocol):
    """An open file of declarations. Iterating may raise FileFormatError part-way (a file
    cut short); records yielded before that are good to keep."""

    def __iter__(self) -> Iterator[ReadResult]: ...

    def progress(self) -> tuple[int, int]:
        """(done, total) in whatever unit suits the format (bytes, records)."""
        ...

    def close(self) -> None: ...
