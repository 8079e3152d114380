"""The canonical flat CSV: one row per goods item, canonical column names (see flat.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from portcullis.engine.formats.base import ReadProblem, ReadResult
from portcullis.engine.formats.csvrows import read_rows
from portcullis.engine.formats.flat import COLUMNS, REQUIRED_COLUMNS, group_rows
from portcullis.engine.formats.textfile import TextFile


class CsvReader:
    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self._file = TextFile(path, encoding)
        try:
            self._rows = read_rows(self._file, REQUIRED_COLUMNS, COLUMNS, "declaration_id")
        except BaseException:
            self._file.close()
            raise

    def __iter__(self) -> Iterator[ReadResult]:
        located = (
            row if isinstance(row, ReadProblem) else (f"row {row[0]}", row[1]) for row in self._rows
        )
        return group_rows(located)

    def progress(self) -> tuple[int, int]:
        return self._file.done(), self._file.total

    def close(self) -> None:
        self._file.close()
