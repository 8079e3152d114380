"""The canonical flat layout stored as Parquet (column names and meaning as in flat.py)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

from portcullis.engine.formats.base import FileFormatError, ReadResult
from portcullis.engine.formats.flat import COLUMNS, REQUIRED_COLUMNS, group_rows

_BATCH_ROWS = 10_000


class ParquetReader:
    def __init__(self, path: Path, encoding: str | None = None) -> None:
        del encoding  # Parquet strings are UTF-8 by definition
        import polars as pl  # here, not at the top: only Parquet needs it, and it is slow to load

        try:
            self._frame = pl.read_parquet(path)
        except FileNotFoundError:
            raise FileFormatError("cannot open the file: No such file or directory") from None
        except Exception as error:  # polars raises several types for a broken file
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise FileFormatError(f"this is not a readable Parquet file ({first_line})") from None
        columns = self._frame.columns
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise FileFormatError(f"missing columns: {', '.join(missing)}")
        unknown = [name for name in columns if name not in COLUMNS]
        if unknown:
            close = difflib.get_close_matches(unknown[0], list(COLUMNS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FileFormatError(f"unknown column {unknown[0]!r}{hint}")
        self._done = 0

    def __iter__(self) -> Iterator[ReadResult]:
        return group_rows(self._rows())

    def _rows(self) -> Iterator[tuple[str, dict[str, object]]]:
        for batch in self._frame.iter_slices(_BATCH_ROWS):
            for row in batch.iter_rows(named=True):
                self._done += 1
                yield f"row {self._done}", row

    def progress(self) -> tuple[int, int]:
        return self._done, self._frame.height

    def close(self) -> None:
        self._frame = self._frame.clear()
