"""Public holidays as reference data: from the ``holidays`` package (maintained tables for
some 150 countries, shipped inside the package, so an air-gapped site has them), or from an
administration's own CSV of ``date,name`` (one line per day off; a header line is allowed).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

import holidays

MAX_NAME = 200
MAX_ROWS = 100_000
EARLIEST, LATEST = 1990, 2100


class HolidayError(ValueError):
    """A table that cannot be used; the message names the line and the field."""


@dataclass(frozen=True, order=True)
class Holiday:
    day: date
    name: str
    source: str


def package_holidays(country: str, years: Iterable[int]) -> list[Holiday]:
    """The public holidays of ``country`` (ISO 3166 alpha-2) in ``years``."""
    chosen = sorted(set(years))
    if not chosen or chosen[0] < EARLIEST or chosen[-1] > LATEST:
        raise HolidayError(f"years must lie within {EARLIEST} to {LATEST}")
    try:
        table = holidays.country_holidays(country.upper(), years=chosen)
    except NotImplementedError:
        raise HolidayError(
            f"the holidays package has no table for {country!r}: load a CSV of date,name"
        ) from None
    source = f"holidays {version('holidays')} {country.upper()}"
    return sorted(
        Holiday(day, name[:MAX_NAME], source)
        for day, names in table.items()
        for name in str(names).split("; ")
    )


def csv_holidays(path: Path) -> list[Holiday]:
    """The holidays of a ``date,name`` CSV; HolidayError names the first bad line."""
    source = path.name[:40]
    found: list[Holiday] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if not row or not any(cell.strip() for cell in row):
                    continue
                if number == 1 and row[0].strip().lower() in ("date", "day"):
                    continue
                found.append(_row(path, number, row, source))
                if len(found) > MAX_ROWS:
                    raise HolidayError(f"{path.name}: more than {MAX_ROWS:,} holidays")
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise HolidayError(f"{path.name}: cannot be read ({error})") from None
    if not found:
        raise HolidayError(f"{path.name}: no holidays in it (one date,name per line)")
    return sorted(found)


def _row(path: Path, number: int, row: list[str], source: str) -> Holiday:
    where = f"{path.name} line {number}"
    if len(row) != 2:
        raise HolidayError(f"{where}: expected date,name, found {len(row)} fields")
    text, name = row[0].strip(), row[1].strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise HolidayError(f"{where}: date {text[:20]!r} is not a date (YYYY-MM-DD)") from None
    if not EARLIEST <= day.year <= LATEST:
        raise HolidayError(f"{where}: date {text} is outside {EARLIEST} to {LATEST}")
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise HolidayError(f"{where}: name must be 1 to {MAX_NAME} printable characters")
    return Holiday(day, name, source)
