"""Stored declarations as the engine's item frame: the history it learns and judges from.

Imported outcomes become usable the day after the declaration was lodged (or when inspected,
if the file says); an officer's outcome from the moment it was recorded."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import QuerySet

from portcullis.engine.conversion import to_national
from portcullis.engine.items import SCHEMA, TIME
from portcullis.web.declarations.models import Item
from portcullis.web.reference.rates import rate_book

# (item frame column, ORM path) in the order of portcullis.engine.items.SCHEMA.
_PATHS = {
    "declaration_id": "declaration__declaration_id",
    "lodged_at": "declaration__lodged_at",
    "office": "declaration__office__code",
    "procedure": "declaration__procedure",
    "process_type": "declaration__process_type",
    "import_use": "declaration__import_use",
    "payment_type": "declaration__payment_type",
    "transport_mode": "declaration__transport_mode",
    "declarant": "declaration__declarant__code",
    "importer": "declaration__importer__code",
    "seller": "declaration__seller__code",
    "courier": "declaration__courier__code",
    "importer_name": "declaration__importer_name",
    "declarant_name": "declaration__declarant_name",
    "seller_name": "declaration__seller_name",
    "courier_name": "declaration__courier_name",
    "country_of_departure": "declaration__country_of_departure",
    "declared_rate": "declaration__exchange_rate",
    "line_no": "line_no",
    "hs_code": "hs_code",
    "origin_country": "origin_country",
    "origin_indicator": "origin_indicator",
    "net_mass_kg": "net_mass_kg",
    "quantity": "quantity",
    "quantity_unit": "quantity_unit",
    "customs_value": "customs_value",
    "invoice_value": "customs_value",
    "currency": "currency",
    "rate_applied": "customs_value",  # a placeholder: null until converted (``national``)
    "tax_type": "tax_type",
    "tax_rate": "tax_rate",
    "duty": "duty",
    "description": "description",
    "additional_codes": "additional_codes",
    "finding": "declaration__inspection__finding",
    "finding_type": "declaration__inspection__finding_type",
    "critical": "declaration__inspection__critical",
    "additional_duties": "declaration__inspection__additional_duties",
}
_EXTRA = {
    "_inspected_at": "declaration__inspection__inspected_at",
    "_source": "declaration__inspection__source",
    "_recorded_at": "declaration__inspection__recorded_at",
    "_pk": "declaration_id",
}
_CHUNK = 20_000


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def item_frame_of(items: QuerySet[Item]) -> pl.DataFrame:
    """The item frame of ``items`` (each declaration's items together, in line order), with
    the declaration's primary key as ``_pk``."""
    paths = [*_PATHS.values(), *_EXTRA.values()]
    names = [*_PATHS, *_EXTRA]
    ordered = items.order_by("declaration_id", "line_no").values_list(*paths)
    chunks = []
    rows: list[tuple[Any, ...]] = []
    for row in ordered.iterator(chunk_size=_CHUNK):
        rows.append(tuple(_plain(v) for v in row))
        if len(rows) == _CHUNK:
            chunks.append(_frame(rows, names))
            rows = []
    chunks.append(_frame(rows, names))
    frame = pl.concat(chunks)
    return _finish(frame)


def _frame(rows: list[tuple[Any, ...]], names: list[str]) -> pl.DataFrame:
    schema = {
        **{name: SCHEMA[name] for name in _PATHS},
        "_inspected_at": TIME,
        "_source": pl.String(),
        "_recorded_at": TIME,
        "_pk": pl.Int64(),
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    text = [name for name, dtype in SCHEMA.items() if dtype == pl.String() and name in _PATHS]
    next_day = pl.col("lodged_at").dt.truncate("1d") + timedelta(days=1)
    known = (
        pl.when(pl.col("finding").is_null())
        .then(None)
        .when(pl.col("_source") == "imported")
        .then(pl.coalesce(pl.col("_inspected_at"), next_day))
        .otherwise(pl.col("_recorded_at"))
    )
    return frame.with_columns(
        # Django stores "not given" text as "": the engine reads null.
        *(pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)).alias(n) for n in text),
        known.cast(TIME).alias("known_at"),
        pl.lit(None, dtype=pl.Float64).alias("rate_applied"),
    ).select(*SCHEMA, "_pk")


def national(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its amounts in the national currency, at the stored rates in force."""
    return to_national(frame, rate_book())


def stored_items(declaration_pks: Iterable[int] | None = None) -> pl.DataFrame:
    """Every stored item (or those of the given declarations) as an item frame, in the
    national currency."""
    items = Item.objects.all()
    if declaration_pks is not None:
        items = items.filter(declaration_id__in=list(declaration_pks))
    return national(item_frame_of(items))
