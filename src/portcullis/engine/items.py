"""Declarations as an item frame: one row per goods item, header fields repeated on each row.

Every signal (profiles, watchlists, valuation, compliance, the model) works on this frame, in
batches of a million rows or of one declaration alike. Historical rows also carry their
declaration's inspection outcome and ``known_at``, the instant from which that outcome may be
used to assess other declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.schema import Declaration, Item

TIME = pl.Datetime("us", "UTC")
# Frames up to this many rows (one declaration from the API, say) take the paths built for few
# rows: dictionary and set lookups instead of joins, which cost the same for ten rows or ten
# thousand.
SMALL_FRAME = 256

D = TypeVar("D", bound=dict[str, Any])

HEADER_FIELDS: dict[str, pl.DataType] = {
    "declaration_id": pl.String(),
    "lodged_at": TIME,
    "office": pl.String(),
    "procedure": pl.String(),
    "process_type": pl.String(),
    "import_use": pl.String(),
    "payment_type": pl.String(),
    "transport_mode": pl.String(),
    "declarant": pl.String(),
    "importer": pl.String(),
    "seller": pl.String(),
    "courier": pl.String(),
    "importer_name": pl.String(),
    "declarant_name": pl.String(),
    "seller_name": pl.String(),
    "courier_name": pl.String(),
    "country_of_departure": pl.String(),
    "declared_rate": pl.Float64(),  # the declarant's exchange rate, if the message gives one
}
ITEM_FIELDS: dict[str, pl.DataType] = {
    "line_no": pl.Int32(),
    "hs_code": pl.String(),
    "origin_country": pl.String(),
    "origin_indicator": pl.String(),
    "net_mass_kg": pl.Float64(),
    "quantity": pl.Float64(),
    "quantity_unit": pl.String(),
    # In the national currency once converted (portcullis.engine.conversion); as declared
    # until then. ``invoice_value`` is always the amount as declared, in ``currency``.
    "customs_value": pl.Float64(),
    "invoice_value": pl.Float64(),
    "currency": pl.String(),
    "rate_applied": pl.Float64(),  # national currency per unit of ``currency``; null: none
    "tax_type": pl.String(),
    "tax_rate": pl.Float64(),
    "duty": pl.Float64(),
    "description": pl.String(),
    "additional_codes": pl.String(),
}
OUTCOME_FIELDS: dict[str, pl.DataType] = {
    "finding": pl.Boolean(),
    "finding_type": pl.String(),
    "critical": pl.Boolean(),
    "additional_duties": pl.Float64(),  # for the whole declaration
    "known_at": TIME,
}
SCHEMA: dict[str, pl.DataType] = {**HEADER_FIELDS, **ITEM_FIELDS, **OUTCOME_FIELDS}


def known_at(lodged_at: datetime, inspected_at: datetime | None) -> datetime:
    """When an outcome becomes usable for other assessments: when it was recorded, or, for
    historical outcomes without that time, the start of the day after the declaration was
    lodged, so that a declaration never learns from others lodged the same day."""
    if inspected_at is not None:
        return inspected_at
    next_day = lodged_at.astimezone(UTC).date() + timedelta(days=1)
    return datetime.combine(next_day, time(), UTC)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _header(declaration: Declaration) -> tuple[Any, ...]:
    """The declaration's ``HEADER_FIELDS``, in order."""
    return (
        declaration.declaration_id,
        declaration.lodged_at,
        declaration.office,
        declaration.procedure,
        declaration.process_type,
        declaration.import_use,
        declaration.payment_type,
        declaration.transport_mode,
        declaration.declarant,
        declaration.importer,
        declaration.seller,
        declaration.courier,
        declaration.importer_name,
        declaration.declarant_name,
        declaration.seller_name,
        declaration.courier_name,
        declaration.country_of_departure,
        _number(declaration.exchange_rate),
    )


def _item(item: Item) -> tuple[Any, ...]:
    """An item's ``ITEM_FIELDS``, in order (its value as declared, not yet converted)."""
    value = float(item.customs_value)
    return (
        item.line_no,
        item.hs_code,
        item.origin_country,
        item.origin_indicator,
        float(item.net_mass_kg),
        _number(item.quantity),
        item.quantity_unit,
        value,
        value,
        item.currency,
        None,
        item.tax_type,
        _number(item.tax_rate),
        _number(item.duty),
        item.description,
        item.additional_codes,
    )


def _rows(declaration: Declaration, with_outcome: bool) -> Iterable[tuple[Any, ...]]:
    header = _header(declaration)
    outcome = declaration.outcome if with_outcome else None
    if outcome is None:
        result: tuple[Any, ...] = _NO_OUTCOME
    else:
        result = (
            outcome.finding,
            outcome.finding_type.value if outcome.finding_type else None,
            outcome.critical,
            _number(outcome.additional_duties),
            known_at(declaration.lodged_at, outcome.inspected_at),
        )
    for item in declaration.items:
        yield (*header, *_item(item), *result)


def declaration_dicts(
    declaration: Declaration,
    row_of: Callable[[dict[str, Any]], D] = dict,  # type: ignore[assignment]
) -> list[D]:
    """The declaration's items as the frame's rows, one dict each (every ``SCHEMA`` field),
    outcome fields empty: what ``item_frame`` holds for it, as plain Python values.
    ``row_of`` makes each row's dict from the header's fields."""
    header = dict(zip(HEADER_FIELDS, _header(declaration), strict=True))
    rows = []
    for item in declaration.items:
        row = row_of(header)
        row.update(zip(ITEM_FIELDS, _item(item), strict=True))
        row.update(_EMPTY_OUTCOME)
        rows.append(row)
    return rows


_NO_OUTCOME: tuple[Any, ...] = (None,) * len(OUTCOME_FIELDS)
_EMPTY_OUTCOME = dict.fromkeys(OUTCOME_FIELDS)


def item_frame(declarations: Iterable[Declaration], *, with_outcomes: bool = True) -> pl.DataFrame:
    """The item frame of validated declarations, in the order given. Without outcomes the
    outcome columns are null (declarations to assess, whatever their files say)."""
    rows = [row for declaration in declarations for row in _rows(declaration, with_outcomes)]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def empty_items() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def without_outcomes(items: pl.DataFrame) -> pl.DataFrame:
    """The same items as declarations still to be assessed (outcomes hidden)."""
    return items.with_columns(
        pl.lit(None, dtype=dtype).alias(name) for name, dtype in OUTCOME_FIELDS.items()
    )


def declaration_starts(items: pl.DataFrame) -> npt.NDArray[np.int64]:
    """The first row of each declaration. A declaration's items must be next to each other
    (as ``item_frame`` makes them): ValueError otherwise."""
    ids = items.get_column("declaration_id")
    if items.height == 0:
        return np.zeros(0, dtype=np.int64)
    if items.height <= SMALL_FRAME:
        values = ids.to_list()
        firsts = [0] + [i for i in range(1, len(values)) if values[i] != values[i - 1]]
        if len(firsts) != len(set(values)):
            raise ValueError("a declaration's items must be next to each other in the frame")
        return np.asarray(firsts, dtype=np.int64)
    changed = ids.ne_missing(ids.shift(1)).fill_null(True)
    starts: npt.NDArray[np.int64] = np.flatnonzero(changed.to_numpy()).astype(np.int64)
    if len(starts) != ids.n_unique():
        raise ValueError("a declaration's items must be next to each other in the frame")
    return starts


def per_item(
    values: npt.NDArray[Any], starts: npt.NDArray[np.int64], height: int
) -> npt.NDArray[Any]:
    """Values given per declaration, repeated for each of its items."""
    if len(starts) == height:
        return values
    return np.repeat(values, np.diff(np.append(starts, height)))
