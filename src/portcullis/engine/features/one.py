"""The features of one declaration in plain Python: what ``build_features`` gives the items of
a small frame, as one dict of fields per item, without a Polars call.

It applies to a declaration lodged after all of history (the compliance snapshot, the
windows' binary searches): the live case of a submission. Every field comes from the same
tables by the same formulas as the batch path (each module keeps its one-declaration twin
beside its batch code), and a property test holds the two to the same values. A window over
history or a calendar field is made, for every item, only when something reads it, and only
then stored with the decision, as the batch path does with its on-demand columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from portcullis.engine.conversion import lodging_day
from portcullis.engine.features import FeatureContext
from portcullis.engine.features.calendar import FIELDS as CALENDAR_FIELDS
from portcullis.engine.items import declaration_dicts
from portcullis.engine.schema import Declaration

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class ItemFields(dict[str, Any]):
    """One item's fields; a field made on demand is made for every item when first read."""

    __slots__ = ("_declaration",)

    def __init__(self, values: dict[str, Any], declaration: OneDeclaration) -> None:
        super().__init__(values)
        self._declaration = declaration

    def __missing__(self, name: str) -> Any:
        self._declaration.make(name)
        return dict.__getitem__(self, name)


class OneDeclaration:
    """One declaration's items with every field but ``model_score``, and the watchlist
    entries they matched."""

    def __init__(self, declaration: Declaration, context: FeatureContext) -> None:
        self.declaration_id = declaration.declaration_id
        self.rows: list[ItemFields] = _converted(
            declaration, context, lambda header: ItemFields(header, self)
        )
        rows: list[dict[str, Any]] = self.rows  # type: ignore[assignment]
        _derive(rows)
        context.prices.one(rows)
        context.compliance.one(rows)
        self.watchlist_hits = context.watchlist.one(rows)
        context.watchlist.one_flags(rows, self.watchlist_hits)
        aeo = rows[0]["importer"] in context.aeo_importers if rows else False
        for row in rows:
            row["importer_aeo"] = aeo
        lodged = declaration.lodged_at
        t = (lodged - _EPOCH) // _MICROSECOND
        self._windows = context.compliance.windows.one(rows, t)
        self._window_fields = context.compliance.windows.one_fields
        self._calendar = context.calendar.one(lodged)
        self.made: list[str] = []  # the on-demand fields read, in the order read

    def make(self, name: str) -> None:
        if name in self._window_fields:
            values = self._windows.make(name)
        elif name in CALENDAR_FIELDS:
            values = [self._calendar[name]] * len(self.rows)
        else:
            raise KeyError(name)
        for row, value in zip(self.rows, values, strict=True):
            dict.__setitem__(row, name, value)
        self.made.append(name)

    def on_demand(self) -> set[str]:
        return {*self._window_fields, *CALENDAR_FIELDS}


def eligible(declaration: Declaration, context: FeatureContext) -> bool:
    """Whether the one-declaration path applies: lodged strictly after every declaration and
    every outcome known to the history (else its figures are point in time, by joins)."""
    lodged = declaration.lodged_at
    compliance = context.compliance
    return all(
        latest is None or latest < lodged
        for latest in (compliance.latest_known, compliance.latest_lodged)
    )


def _converted(
    declaration: Declaration,
    context: FeatureContext,
    row_of: Callable[[dict[str, Any]], ItemFields],
) -> list[ItemFields]:
    """The items as the frame's rows, amounts in the national currency (``to_national``)."""
    rows = declaration_dicts(declaration, row_of)
    book = context.rates
    if book is None:
        for row in rows:
            if row["rate_applied"] is None:
                row["rate_applied"] = 1.0
        return rows
    day = lodging_day(declaration.lodged_at)
    rates: dict[str, float | None] = {}
    for row in rows:
        currency = row["currency"]
        if currency not in rates:
            rates[currency] = book.rate(currency, day) if currency is not None else None
        rate = rates[currency]
        invoice = row["invoice_value"]
        value = None if rate is None or invoice is None else invoice * rate
        row["customs_value"] = None if value is None or math.isnan(value) else value
        row["rate_applied"] = rate
    return rows


def _derive(rows: list[dict[str, Any]]) -> None:
    """``add_derived`` for one declaration's items."""
    total = 0.0
    for row in rows:
        code: str = row["hs_code"]
        row["hs_chapter"], row["hs_heading"], row["hs6"] = code[:2], code[:4], code[:6]
        row["national_line"] = code if len(code) > 6 else None
        mass, value = row["net_mass_kg"], row["customs_value"]
        row["unit_value"] = (
            value / mass if mass is not None and mass > 0 and value is not None else None
        )
        departure, origin = row["country_of_departure"], row["origin_country"]
        row["departure_is_origin"] = (
            None if departure is None or origin is None else departure == origin
        )
        declared, applied = row["declared_rate"], row["rate_applied"]
        row["declared_rate_ratio"] = (
            None if declared is None or applied is None else _ratio(declared, applied)
        )
        if value is not None:
            total += value
    for row in rows:
        row["declaration_value"] = total
        row["item_count"] = float(len(rows))


def _ratio(numerator: float, denominator: float) -> float:
    if denominator == 0:
        return math.copysign(math.inf, numerator) if numerator else math.nan
    return numerator / denominator
