"""Reference data the engine validates against: HS nomenclature editions, countries, currencies.

The HS editions ship inside the package (``portcullis/data/hs``), so validation works with no
database and no network.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources

import pycountry

UNKNOWN_COUNTRY = "ZZ"
# UN Comtrade's files add statistical totals (chapter 99 "commodities not specified", and a
# grand total) under a pseudo-section; they are not HS codes and no declaration may use them.
_COMTRADE_AGGREGATE = "TOTAL"
COUNTRY_CODES: frozenset[str] = frozenset(
    {c.alpha_2 for c in pycountry.countries} | {UNKNOWN_COUNTRY}
)
CURRENCY_CODES: frozenset[str] = frozenset(c.alpha_3 for c in pycountry.currencies)


def country_name(code: str) -> str:
    """English short name of a country code; 'Unknown' for ZZ."""
    if code == UNKNOWN_COUNTRY:
        return "Unknown"
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country else code


@dataclass(frozen=True, slots=True)
class HsEntry:
    code: str
    description: str
    level: int  # 2 chapter, 4 heading, 6 subheading
    parent: str | None
    section: str  # roman numeral


@dataclass(frozen=True)
class HsEdition:
    code: str  # "HS2017"
    name: str  # "HS 2017"
    valid_from: date
    valid_to: date | None
    entries: Mapping[str, HsEntry]
    sections: Mapping[str, str]  # numeral -> name

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def subheading(self, hs_code: str) -> HsEntry | None:
        """The six-digit subheading a (possibly national, longer) code falls under."""
        entry = self.entries.get(hs_code[:6])
        return entry if entry is not None and entry.level == 6 else None

    def period(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "today"
        return f"{self.valid_from.isoformat()} to {end}"


@dataclass(frozen=True)
class Nomenclature:
    editions: tuple[HsEdition, ...]

    def edition_on(self, day: date) -> HsEdition | None:
        """The edition in force on ``day``, or None before the first one loaded."""
        for edition in self.editions:
            if edition.in_force_on(day):
                return edition
        return None

    def edition(self, code: str) -> HsEdition:
        for edition in self.editions:
            if edition.code == code:
                return edition
        raise KeyError(code)

    def describe_coverage(self) -> str:
        return ", ".join(f"{e.name} ({e.period()})" for e in self.editions)


def _read_gzip_csv(name: str) -> Iterator[dict[str, str]]:
    data = resources.files("portcullis.data.hs").joinpath(name).read_bytes()
    text = gzip.decompress(data).decode("utf-8-sig")
    yield from csv.DictReader(io.StringIO(text))


def _load_edition(spec: Mapping[str, object]) -> HsEdition:
    entries = {}
    for row in _read_gzip_csv(str(spec["codes"])):
        if not row["hscode"] or row["section"] == _COMTRADE_AGGREGATE:
            continue
        parent = row["parent"]
        entries[row["hscode"]] = HsEntry(
            code=row["hscode"],
            description=row["description"],
            level=int(row["level"]),
            parent=None if parent == "TOTAL" else parent,
            section=row["section"],
        )
    sections = {row["section"]: row["name"] for row in _read_gzip_csv(str(spec["sections"]))}
    valid_to = spec.get("valid_to")
    return HsEdition(
        code=str(spec["code"]),
        name=str(spec["name"]),
        valid_from=spec["valid_from"],  # type: ignore[arg-type]  # TOML dates parse to date
        valid_to=valid_to if isinstance(valid_to, date) else None,
        entries=entries,
        sections=sections,
    )


@functools.cache
def nomenclature() -> Nomenclature:
    """All bundled HS editions, oldest first (loaded once per process)."""
    text = resources.files("portcullis.data.hs").joinpath("editions.toml").read_text("utf-8")
    specs = tomllib.loads(text)["edition"]
    editions = sorted((_load_edition(spec) for spec in specs), key=lambda e: e.valid_from)
    return Nomenclature(tuple(editions))
