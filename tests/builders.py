"""Tiny builders for test data: KCS rows, canonical declarations, files of them."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

from portcullis.engine.formats.kcs import COLUMNS as KCS_COLUMNS

KCS_HEADER = list(KCS_COLUMNS)
# Data sets the project did not make stay in ../shared beside the checkout (CI has it there).
SHARED = Path(__file__).resolve().parents[2] / "shared"
KCS_2020 = SHARED / "datasets/kcs-synthetic/declarations-2020.csv"
KCS_2021Q1 = SHARED / "datasets/kcs-synthetic/declarations-2021q1.csv"
WCO_SAMPLES = SHARED / "reference/wco-dec-dms/samples"
WCO_SCHEMAS = SHARED / "reference/wco-dec-dms/schemas"


def kcs_row(declaration_id: str = "10000001", **overrides: str) -> dict[str, str]:
    """One valid KCS row; override any column by its KCS name with underscores for spaces."""
    row = {
        "Declaration ID": declaration_id,
        "Date": "2020-03-02",
        "Office ID": "30",
        "Process Type": "B",
        "Import Type": "11",
        "Import Use": "21",
        "Payment Type": "11",
        "Mode of Transport": "10",
        "Declarant ID": "DECL001",
        "Importer ID": "IMP0001",
        "Seller ID": "SELL001",
        "Courier ID": "",
        "HS6 Code": "440890",
        "Country of Departure": "BE",
        "Country of Origin": "BE",
        "Tax Rate": "8.0",
        "Tax Type": "A",
        "Country of Origin Indicator": "G",
        "Net Mass": "108.0",
        "Item Price": "372254.4",
        "Fraud": "0",
        "Critical Fraud": "0",
    }
    for key, value in overrides.items():
        row[key.replace("_", " ")] = value
    return row


def kcs_text(
    rows: list[dict[str, str]], header: list[str] | None = None, newline: str = "\n"
) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, header or KCS_HEADER, lineterminator=newline, extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_kcs(path: Path, rows: list[dict[str, str]], **options: Any) -> Path:
    path.write_text(kcs_text(rows, **options), encoding="utf-8", newline="")
    return path


def write_gzip(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data))
    return path


def declaration(declaration_id: str = "D-1", **overrides: Any) -> dict[str, Any]:
    """A valid canonical declaration (as sent to the API or in a JSON file)."""
    data: dict[str, Any] = {
        "declaration_id": declaration_id,
        "lodged_at": "2021-02-03T10:15:00+09:00",
        "office": "30",
        "procedure": "11",
        "transport_mode": "40",
        "declarant": "DECL001",
        "importer": "IMP0001",
        "seller": "SELL001",
        "country_of_departure": "CN",
        "items": [
            {
                "hs_code": "8703.23",
                "description": "Passenger car, 1,500 cc",
                "origin_country": "CN",
                "net_mass_kg": "1250.5",
                "customs_value": "15000",
                "currency": "KRW",
                "tax_rate": "8",
            }
        ],
    }
    data.update(overrides)
    return data


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def first_kcs_rows(count: int) -> str:
    """The header and the first ``count`` rows of the real KCS 2020 file."""
    with KCS_2020.open(encoding="utf-8", newline="") as handle:
        return "".join(line for _, line in zip(range(count + 1), handle, strict=False))
