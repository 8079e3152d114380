"""Rejected records: one line on screen, one row in the rejects CSV, per problem."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from portcullis.engine.checking import Rejection

# A cell starting with one of these is a formula to a spreadsheet; the people who open a
# rejects file in Excel must see the text that was sent, not run it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("location", "declaration_id", "field", "problem", "value")


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
