"""Fields computed from the declaration alone (in the national currency once converted): HS
levels, unit value, declaration totals, the declared rate against the customs rate."""

from __future__ import annotations

import polars as pl

_MASS = pl.col("net_mass_kg")
_PER_ITEM = (
    pl.col("hs_code").str.slice(0, 2).alias("hs_chapter"),
    pl.col("hs_code").str.slice(0, 4).alias("hs_heading"),
    pl.col("hs_code").str.slice(0, 6).alias("hs6"),
    # A national tariff line is a commodity code finer than the HS subheading.
    pl.when(pl.col("hs_code").str.len_chars() > 6).then(pl.col("hs_code")).alias("national_line"),
    pl.when(_MASS > 0).then(pl.col("customs_value") / _MASS).alias("unit_value"),
    (pl.col("country_of_departure") == pl.col("origin_country")).alias("departure_is_origin"),
    (pl.col("declared_rate") / pl.col("rate_applied")).alias("declared_rate_ratio"),
)
_TOTALS = ("declaration_value", "item_count")
_PER_DECLARATION = (
    pl.col("customs_value").sum().over("declaration_id").alias("declaration_value"),
    pl.len().over("declaration_id").cast(pl.Float64).alias("item_count"),
)
# The same totals when the frame holds one declaration: a window over one group is the whole
# frame, and skipping the grouping saves most of the cost of deriving one declaration's fields.
_FOR_ONE_DECLARATION = (
    pl.col("customs_value").sum().alias("declaration_value"),
    pl.len().cast(pl.Float64).alias("item_count"),
)


def add_levels(items: pl.LazyFrame) -> pl.LazyFrame:
    """The HS levels and national line alone (what history is counted by), for a lazy scan
    of a large history."""
    return items.with_columns(*_PER_ITEM[:4])


def add_derived(items: pl.DataFrame, one_declaration: bool = False) -> pl.DataFrame:
    """The item frame with the derived fields of the catalogue's "derived" group.
    ``one_declaration`` says every row belongs to the same declaration."""
    totals = _FOR_ONE_DECLARATION if one_declaration else _PER_DECLARATION
    return items.with_columns(*_PER_ITEM, *totals)
