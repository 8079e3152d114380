"""The layout of the KCS synthetic import declarations (Jeong et al., arXiv:2208.02484).

One row is one goods item and, in this data set, one declaration. Every row was inspected,
so its Fraud / Critical Fraud columns become the declaration's recorded inspection outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from portcullis.engine.formats.base import ReadProblem, ReadResult, SourceRecord, guess_id
from portcullis.engine.formats.csvrows import read_rows
from portcullis.engine.formats.textfile import TextFile
from portcullis.engine.validation import FieldProblem, excerpt

CURRENCY = "KRW"  # the data set's values are in Korean won
# KCS column -> canonical field path (without item index).
COLUMNS: dict[str, str] = {
    "Declaration ID": "declaration_id",
    "Date": "lodged_at",
    "Office ID": "office",
    "Process Type": "process_type",
    "Import Type": "procedure",
    "Import Use": "import_use",
    "Payment Type": "payment_type",
    "Mode of Transport": "transport_mode",
    "Declarant ID": "declarant",
    "Importer ID": "importer",
    "Seller ID": "seller",
    "Courier ID": "courier",
    "HS6 Code": "items.hs_code",
    "Country of Departure": "country_of_departure",
    "Country of Origin": "items.origin_country",
    "Tax Rate": "items.tax_rate",
    "Tax Type": "items.tax_type",
    "Country of Origin Indicator": "items.origin_indicator",
    "Net Mass": "items.net_mass_kg",
    "Item Price": "items.customs_value",
    "Fraud": "outcome.finding",
    "Critical Fraud": "outcome.critical",
}
CANONICAL_TO_COLUMN = {path: column for column, path in COLUMNS.items()}
# (column, field name, part of the declaration it goes to), worked out once, not per row.
_ROUTES = [
    (column, path.rpartition(".")[2], path.rpartition(".")[0]) for column, path in COLUMNS.items()
]
CANONICAL_TO_COLUMN["items.currency"] = "Item Price"
_CRITICAL = {"0": False, "1": False, "2": True}
_CENT = Decimal("0.01")


def _price(text: str) -> str:
    """The synthesiser wrote prices as binary floats (241.58000000000004); they are amounts
    with at most two decimals, so round half-even to the cent. Anything unparseable is left
    for validation to reject with the field's own message."""
    try:
        return str(Decimal(text).quantize(_CENT, rounding=ROUND_HALF_EVEN))
    except (InvalidOperation, ValueError):
        return text


def row_to_record(row_no: int, row: dict[str, str]) -> ReadResult:
    """One KCS row as a canonical raw declaration (empty cells left out)."""
    declaration: dict[str, Any] = {}
    item: dict[str, Any] = {"line_no": 1, "currency": CURRENCY}
    outcome: dict[str, Any] = {}
    parts = {"": declaration, "items": item, "outcome": outcome}
    for column, name, part in _ROUTES:
        value = row[column].strip()
        if value:
            parts[part][name] = value
    if "customs_value" in item:
        item["customs_value"] = _price(item["customs_value"])
    declaration["items"] = [item]

    location = f"row {row_no}"
    critical = outcome.get("critical", "0")
    problem = None
    if critical not in _CRITICAL:
        problem = FieldProblem("Critical Fraud", "must be 0, 1 or 2", excerpt(critical))
    elif critical != "0" and outcome.get("finding") == "0":
        problem = FieldProblem("Critical Fraud", "is not 0 although Fraud is 0", critical)
    if problem:
        return ReadProblem(location, guess_id(row.get("Declaration ID")), (problem,))
    if outcome:
        declaration["outcome"] = {**outcome, "critical": _CRITICAL[critical]}
    return SourceRecord(location, declaration, (location,), CANONICAL_TO_COLUMN)


class KcsReader:
    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self._file = TextFile(path, encoding)
        try:
            self._rows = read_rows(self._file, list(COLUMNS), COLUMNS, "Declaration ID")
        except BaseException:
            self._file.close()
            raise

    def __iter__(self) -> Iterator[ReadResult]:
        for row in self._rows:
            yield row if isinstance(row, ReadProblem) else row_to_record(*row)

    def progress(self) -> tuple[int, int]:
        return self._file.done(), self._file.total

    def close(self) -> None:
        self._file.close()
