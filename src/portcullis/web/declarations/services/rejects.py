"""Rejected records: one line on screen, one row in the rejects CSV, per problem."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

# A cell starting with one of these is a formula to a spreadsheet; the people who open a
# rejects file in Excel must see the text that was sent, not run it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("location", "declaration_id", "field", "problem", "value")


@dataclass(frozen=True)
class Rejection:
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


def _cell(text: str | None) -> str:
    text = text or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


class RejectsFile:
    """A CSV of rejections, created only when there is a first one to write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: TextIO | None = None
        self._writer: csv.DictWriter[str] | None = None
        self.count = 0

    def write(self, rejection: Rejection) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.DictWriter(self._handle, HEADER)
            self._writer.writeheader()
        self._writer.writerow(
            {
                "location": rejection.location,
                "declaration_id": _cell(rejection.declaration_id),
                "field": _cell(rejection.field),
                "problem": _cell(rejection.message),
                "value": _cell(rejection.value),
            }
        )
        self.count += 1

    @property
    def written(self) -> bool:
        return self._writer is not None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
