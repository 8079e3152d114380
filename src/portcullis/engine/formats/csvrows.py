"""CSV rows with their row numbers, checked against the columns a layout expects.

Shared by the KCS layout and the canonical flat CSV. Rows are numbered as a spreadsheet
numbers them (the header is row 1), by the line each record starts on.
"""

from __future__ import annotations

import csv
import difflib
import itertools
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from portcullis.engine.formats.base import FileFormatError, ReadProblem, guess_id
from portcullis.engine.formats.textfile import TextFile
from portcullis.engine.validation import FieldProblem

# Large enough that an oversized field is read and rejected by its own field's length rule
# (with its row and name), small enough that one runaway quote cannot eat the memory.
MAX_FIELD_CHARS = 16 * 1024 * 1024
csv.field_size_limit(MAX_FIELD_CHARS)
_DELIMITERS = (",", ";", "\t", "|")


def _best_delimiter(first_line: str, known: Collection[str]) -> str:
    """The delimiter that splits the header into the most known column names."""

    def score(delimiter: str) -> int:
        return sum(name.strip() in known for name in first_line.split(delimiter))

    return max(_DELIMITERS, key=score)


def _check_header(header: list[str], required: Collection[str], known: Collection[str]) -> None:
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise FileFormatError(f"column {duplicates[0]!r} appears more than once in the header")
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in known]
    if missing and len(unknown) >= len(header) - 1:
        raise FileFormatError(
            f"the header has none of the expected columns (expected: {', '.join(required)}); "
            "is this the right --format?"
        )
    if missing:
        misspelt = [
            f"{close[0]!r} for {name!r}"
            for name in missing
            if (close := difflib.get_close_matches(name, unknown, n=1))
        ]
        hint = f" (misspelt? the header has {', '.join(misspelt)})" if misspelt else ""
        raise FileFormatError(f"missing columns: {', '.join(missing)}{hint}")
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
        raise FileFormatError(f"unknown column {name!r}{hint}{more}")


def read_rows(
    source: TextFile, required: Sequence[str], known: Collection[str], id_column: str
) -> Iterator[tuple[int, dict[str, str]] | ReadProblem]:
    """(row number, {column: cell}) for each data row, or a ReadProblem for a broken row.

    The header is read and checked at once: FileFormatError when it makes the file unusable."""
    first_line = source.text.readline()
    if not first_line.strip():
        raise FileFormatError("the file has no header row")
    delimiter = _best_delimiter(first_line, known)
    reader = csv.reader(
        itertools.chain([first_line], source.text), delimiter=delimiter, strict=True
    )
    try:
        header = [name.strip() for name in next(reader)]
    except (csv.Error, StopIteration) as error:
        raise FileFormatError(f"the header row is not well-formed CSV ({error})") from None
    _check_header(header, required, known)
    return _data_rows(reader, header, header.index(id_column))


def _data_rows(
    reader: Any, header: list[str], id_index: int
) -> Iterator[tuple[int, dict[str, str]] | ReadProblem]:
    width = len(header)
    while True:
        row_no = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem = FieldProblem("", f"is not well-formed CSV: {error}")
            yield ReadProblem(f"row {row_no}", None, (problem,))
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) != width:
            what = "a truncated row?" if len(row) < width else "an unquoted delimiter?"
            message = f"has {len(row)} fields where the header has {width} ({what})"
            row_id = row[id_index] if id_index < len(row) else None
            yield ReadProblem(f"row {row_no}", guess_id(row_id), (FieldProblem("", message),))
            continue
        yield row_no, dict(zip(header, row, strict=True))
