"""Readers for every file layout Portcullis imports. Each turns a file into canonical raw
declarations (or located problems) for ``portcullis.engine.validation``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from portcullis.engine.formats.base import (
    FileFormatError,
    ReadProblem,
    ReadResult,
    RecordReader,
    SourceRecord,
)
from portcullis.engine.formats.csvfile import CsvReader
from portcullis.engine.formats.jsonfile import JsonReader
from portcullis.engine.formats.kcs import KcsReader
from portcullis.engine.formats.parquetfile import ParquetReader
from portcullis.engine.formats.wco import WcoReader, looks_like_wco
from portcullis.engine.formats.wcomessage import WcoIntake

READERS: dict[str, Callable[[Path, str | None], RecordReader]] = {
    "kcs": KcsReader,
    "csv": CsvReader,
    "json": JsonReader,
    "parquet": ParquetReader,
    "wco": WcoReader,
}
FORMATS = tuple(READERS)
_BY_SUFFIX = {".json": "json", ".jsonl": "json", ".ndjson": "json", ".parquet": "parquet"}


def guess_format(path: Path) -> str:
    """The layout a file suggests: a WCO declaration by its namespace (a folder of them by
    its first one), .json/.jsonl/.parquet by name, else the canonical CSV."""
    if (path.is_dir() or path.suffix.lower() == ".xml") and looks_like_wco(path):
        return "wco"
    suffixes = [s for s in path.suffixes if s != ".gz"]
    return _BY_SUFFIX.get(suffixes[-1] if suffixes else "", "csv")


def open_reader(
    path: Path, fmt: str, encoding: str | None = None, intake: WcoIntake | None = None
) -> RecordReader:
    """An open reader for ``path`` in layout ``fmt``; FileFormatError if it cannot be read.
    ``intake`` fills what a WCO message leaves out."""
    try:
        reader_class = READERS[fmt]
    except KeyError:
        raise FileFormatError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})") from None
    if fmt == "wco":
        return WcoReader(path, encoding, intake)
    if path.is_dir():
        raise FileFormatError("this is a directory, not a file (only WCO messages come in folders)")
    return reader_class(path, encoding)


__all__ = [
    "FORMATS",
    "FileFormatError",
    "ReadProblem",
    "ReadResult",
    "RecordReader",
    "SourceRecord",
    "WcoIntake",
    "guess_format",
    "open_reader",
]
