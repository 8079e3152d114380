"""What a decision says in words besides its reason and factors, item by item: an item priced
far below its reference (the valuation signal, with its figures), an item that could not be
valued for want of an exchange rate. The model's factors tell what moved the score; these
tell an officer what to look at on the goods."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.conversion import missing_rates
from portcullis.engine.features.table import Features
from portcullis.engine.items import SMALL_FRAME

# An item at or below this share of its reference unit value is named, with the figures.
CHEAP_RATIO = 0.5
_BASIS_WORDS = {
    "national_origin": "this national tariff line from this origin",
    "hs6_origin": "this HS6 subheading from this origin",
    "hs6": "this HS6 subheading",
    "hs4": "this HS4 heading",
}
_FIELDS = (
    "declaration_id", "line_no", "unit_value", "ref_unit_value", "value_ratio",
    "valuation_basis", "invoice_value", "currency", "rate_applied",
)  # fmt: skip


def _money(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _rate(rate: float) -> str:
    return f"{rate:,.6f}".rstrip("0").rstrip(".")


def cheap_item_note(row: dict[str, Any], national: str | None) -> str:
    unit = f" {national}" if national else ""
    text = (
        f"item {row['line_no']}: declared at {_money(row['unit_value'])}{unit} per kg, "
        f"{row['value_ratio'] * 100:.0f}% of the reference {_money(row['ref_unit_value'])}"
        f"{unit} per kg for {_BASIS_WORDS.get(row['valuation_basis'], 'these goods')}"
    )
    rate = row.get("rate_applied")
    if rate not in (None, 1.0) and row.get("invoice_value") is not None:
        per = f"{unit} per {row['currency']}" if unit else ""
        text += f" (invoiced {row['invoice_value']:,.2f} {row['currency']} at {_rate(rate)}{per})"
    return text


def decision_notes(
    features: Features, declaration_ids: set[str], national: str | None
) -> dict[str, list[str]]:
    """Per declaration: the missing rates of every declaration, and the cheap items of those
    in ``declaration_ids`` (the ones explained)."""
    notes = missing_rates(features.frame)
    if not declaration_ids:
        return notes
    with np.errstate(invalid="ignore"):
        cheap = features.numbers("value_ratio") <= CHEAP_RATIO
    if not cheap.any():
        return notes
    ids = features.frame.get_column("declaration_id")
    if len(ids) <= SMALL_FRAME:
        explained = np.array([i in declaration_ids for i in ids.to_list()], dtype=bool)
    else:
        chosen = pl.Series(sorted(declaration_ids), dtype=pl.String)
        explained = ids.is_in(chosen.implode()).to_numpy()
    rows: npt.NDArray[np.int64] = np.flatnonzero(cheap & explained)
    for row in features.rows(rows, _FIELDS):
        notes.setdefault(row["declaration_id"], []).append(cheap_item_note(row, national))
    return notes
