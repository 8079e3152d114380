"""Nomenclature editions an administration loads: its national tariff, or an HS edition the
product does not ship (HS 2017 for 2017-2021 data), kept in a folder of the data directory.

The file layout (docs/formats.md, "Nomenclature"): a CSV with ``hscode``, ``description``
and ``level`` (2 chapter, 4 heading, 6 subheading; 8 or 10 a national line), optionally
``parent`` and ``section`` (a roman numeral); or a folder holding ``harmonized-system.csv`` in
that layout and ``sections.csv`` (``section,name``), as the datasets/harmonized-system
repository publishes each edition. The edition's code, name and dates in force are given on
loading and kept beside the codes in ``<code>.toml``."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CODES_FILE = "harmonized-system.csv"
SECTIONS_FILE = "sections.csv"
_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,9}$")
_HS_CODE = re.compile(r"^\d{2}(\d{2}){0,4}$")
_LEVELS = {2, 4, 6, 8, 10}
_COMTRADE_AGGREGATE = "TOTAL"
MAX_BYTES = 64 * 1024 * 1024


class NomenclatureError(ValueError):
    """A nomenclature file cannot be used: one line naming the row and the field."""


@dataclass(frozen=True)
class EditionSpec:
    code: str  # "HS2017", "KR-HSK-24"
    name: str
    valid_from: date
    valid_to: date | None

    def check(self) -> None:
        if not _CODE.match(self.code):
            raise NomenclatureError(
                f"edition {self.code!r}: a code is 2 to 10 capitals, digits, '-' or '_', "
                "starting with a letter (HS2017, KR-HSK-24)"
            )
        if not self.name.strip() or len(self.name) > 40 or not self.name.isprintable():
            raise NomenclatureError(f"edition {self.code}: a name is 1 to 40 printable characters")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise NomenclatureError(f"edition {self.code}: valid_to is before valid_from")


@dataclass(frozen=True)
class EditionRows:
    spec: EditionSpec
    codes: list[dict[str, str]]  # hscode, description, level, parent, section
    sections: dict[str, str]


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise NomenclatureError(f"{path.name}: larger than {MAX_BYTES // 2**20} MB")
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise NomenclatureError(f"cannot read {path.name}: {error}") from None


def _parent(code: str, known: set[str]) -> str:
    for length in range(len(code) - 2, 1, -2):
        if code[:length] in known:
            return code[:length]
    return ""


def read_codes(path: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The codes and sections of a nomenclature file or folder, checked row by row."""
    codes_path, sections_path = path, None
    if path.is_dir():
        codes_path, sections_path = path / CODES_FILE, path / SECTIONS_FILE
    reader = csv.DictReader(io.StringIO(_read_text(codes_path)))
    missing = [c for c in ("hscode", "description", "level") if c not in (reader.fieldnames or [])]
    if missing:
        raise NomenclatureError(f"{codes_path.name}: the header lacks {', '.join(missing)}")
    codes: list[dict[str, str]] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        where = f"{codes_path.name} line {line}"
        section = (row.get("section") or "").strip()
        code = (row.get("hscode") or "").strip()
        if not any((value or "").strip() for value in row.values()):
            continue  # a blank row (the published files end with one)
        if section == _COMTRADE_AGGREGATE or code == _COMTRADE_AGGREGATE:
            continue  # UN Comtrade's statistical totals, not HS codes
        if not _HS_CODE.match(code):
            raise NomenclatureError(f"{where}: hscode {code[:14]!r} is not 2 to 10 digits")
        level = (row.get("level") or "").strip()
        if not level.isdigit() or int(level) not in _LEVELS or int(level) != len(code):
            raise NomenclatureError(f"{where}: level {level[:4]!r} must be the code's length")
        if code in seen:
            raise NomenclatureError(f"{where}: hscode {code} appears twice")
        description = (row.get("description") or "").strip()
        if not description:
            raise NomenclatureError(f"{where}: description is empty")
        seen.add(code)
        parent = (row.get("parent") or "").strip()
        codes.append(
            {
                "hscode": code,
                "description": description[:500],
                "level": level,
                "parent": "" if parent == _COMTRADE_AGGREGATE else parent,
                "section": section,
            }
        )
    for row in codes:  # not given: the nearest shorter code the file has
        if not row["parent"]:
            row["parent"] = _parent(row["hscode"], seen)
    if not any(len(row["hscode"]) == 6 for row in codes):
        raise NomenclatureError(f"{codes_path.name}: no six-digit subheading in it")
    sections: dict[str, str] = {}
    if sections_path is not None and sections_path.exists():
        for row in csv.DictReader(io.StringIO(_read_text(sections_path))):
            if row.get("section") and row.get("name"):
                sections[row["section"].strip()] = row["name"].strip()
    return codes, sections


def keep_edition(folder: Path, spec: EditionSpec, source: Path) -> EditionRows:
    """Check ``source`` and keep it in ``folder`` as edition ``spec`` (replacing an earlier
    copy of the same edition); returns what was kept."""
    spec.check()
    codes, sections = read_codes(source)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / spec.code
    # A staging folder of this process's own: two loads of one edition at once never
    # write into each other's files.
    staging = folder / f".{spec.code}.new-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    with (staging / CODES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["section", "hscode", "description", "parent", "level"])
        writer.writeheader()
        writer.writerows(codes)
    with (staging / SECTIONS_FILE).open("w", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(["section", "name"])
        rows.writerows(sections.items())
    valid_to = f"valid_to = {spec.valid_to.isoformat()}\n" if spec.valid_to else ""
    (staging / "edition.toml").write_text(
        f"code = {_toml(spec.code)}\nname = {_toml(spec.name)}\n"
        f"valid_from = {spec.valid_from.isoformat()}\n{valid_to}",
        encoding="utf-8",
    )
    for kept in staging.iterdir():
        kept.chmod(0o600)
    for _attempt in range(5):
        shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)  # the new copy whole, or the old one
            break
        except OSError:  # another load put its copy there meanwhile: replace it
            continue
    else:
        shutil.rmtree(staging, ignore_errors=True)
        raise NomenclatureError(f"{spec.code}: another load keeps replacing it; try again")
    return EditionRows(spec, codes, sections)


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kept_editions(folder: Path | None) -> list[EditionRows]:
    """The editions kept in ``folder`` (none when it is not there)."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for spec_file in sorted(folder.glob("*/edition.toml")):
        raw = tomllib.loads(spec_file.read_text(encoding="utf-8"))
        spec = EditionSpec(raw["code"], raw["name"], raw["valid_from"], raw.get("valid_to"))
        codes, sections = read_codes(spec_file.parent)
        found.append(EditionRows(spec, codes, sections))
    return found
