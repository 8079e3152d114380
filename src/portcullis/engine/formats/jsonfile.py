"""Canonical declarations as JSON: an array of declaration objects, or JSON Lines (one
declaration object per line). Numbers are read exactly (as decimals, never binary floats)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from portcullis.engine.formats.base import FileFormatError, ReadProblem, ReadResult, SourceRecord
from portcullis.engine.formats.textfile import TextFile
from portcullis.engine.validation import FieldProblem


def _loads(text: str) -> Any:
    # NaN and Infinity are not JSON, but Python's parser accepts them; keep them as decimals
    # so validation rejects them at their field ("must be a finite number").
    return json.loads(text, parse_float=Decimal, parse_constant=Decimal)


def _not_json(error: Exception, *, one_line: bool = False) -> str:
    if isinstance(error, json.JSONDecodeError):
        where = f"column {error.colno}" if one_line else f"line {error.lineno} column {error.colno}"
        return f"is not valid JSON: {error.msg} at {where}"
    if isinstance(error, RecursionError):
        return "is not valid JSON: nested too deeply"
    return f"is not valid JSON: {error}"


def _record(location: str, value: Any) -> ReadResult:
    if not isinstance(value, dict):
        problem = FieldProblem("", "must be a JSON object (one declaration)")
        return ReadProblem(location, None, (problem,))
    return SourceRecord(location, value)


class JsonReader:
    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self._file = TextFile(path, encoding)
        try:
            self._start = self._first_char()
            self._array: list[Any] | None = None
            if self._start == "[":
                self._array = self._parse_array(self._start + self._file.text.read())
            elif self._start != "{":
                raise FileFormatError(
                    "expected a JSON array of declarations or JSON Lines "
                    "(one declaration object per line)"
                )
        except BaseException:
            self._file.close()
            raise
        self._done = 0

    def _first_char(self) -> str:
        while True:
            char = self._file.text.read(1)
            if not char:
                raise FileFormatError("the file holds only white space")
            if not char.isspace():
                return char

    @staticmethod
    def _parse_array(text: str) -> list[Any]:
        try:
            value = _loads(text)
        except (ValueError, RecursionError) as error:
            raise FileFormatError(f"the file {_not_json(error)}") from None
        if not isinstance(value, list):
            raise FileFormatError("expected a JSON array of declarations")
        return value

    def __iter__(self) -> Iterator[ReadResult]:
        if self._array is not None:
            for index, value in enumerate(self._array, start=1):
                self._done = index
                yield _record(f"record {index}", value)
            return
        yield from self._lines()

    def _lines(self) -> Iterator[ReadResult]:
        first = self._start + self._file.text.readline()
        if first.strip() == "{":
            raise FileFormatError(
                "one declaration per line expected (JSON Lines); a pretty-printed file "
                "must hold an array [ ... ] of declarations"
            )
        lines = itertools.chain([first], iter(self._file.text.readline, ""))
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = _loads(line)
            except (ValueError, RecursionError) as error:
                problem = FieldProblem("", _not_json(error, one_line=True))
                yield ReadProblem(f"line {line_no}", None, (problem,))
                continue
            yield _record(f"line {line_no}", value)

    def progress(self) -> tuple[int, int]:
        if self._array is not None:
            return self._done, len(self._array)
        return self._file.done(), self._file.total

    def close(self) -> None:
        self._file.close()
