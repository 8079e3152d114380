"""Valuation anomaly: a declared unit value against the reference distribution of its goods.

Undervaluation is the commonest revenue fraud. From history, the log unit value (value per
kg, in the national currency whatever the invoice's) of each HS6 × origin is summarised by
its median and its median absolute deviation, robust to the outliers being looked for;
where an HS6 × origin has too few items, the HS6, then the HS4, stands in. Where history
has enough items of the same national tariff line (a commodity code longer than six digits)
× origin, that finer reference comes first. An item is then placed against its reference:
``value_ratio`` (1 = the median) and ``valuation_z`` (robust z-score; -3 is very cheap).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features.lookup import Array, KeyedTable
from portcullis.engine.features.table import Lazy
from portcullis.engine.items import SMALL_FRAME

MAD_TO_SD = 1.4826
# The finest reference first; each level needs ``min_items`` items in history to be used.
LEVELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("national_origin", ("hs_code", "origin_country")),
    ("hs6_origin", ("hs6", "origin_country")),
    ("hs6", ("hs6",)),
    ("hs4", ("hs_heading",)),
)


@dataclass(frozen=True)
class ValuationSettings:
    min_items: int = 5
    # A spread below this (in log units, ~5%) would turn rounding noise into huge z-scores.
    min_spread: float = 0.05


class ReferencePrices:
    """Reference unit values fitted on history; ``fields`` places items against them."""

    def __init__(self, tables: dict[str, KeyedTable], settings: ValuationSettings) -> None:
        self.tables = tables
        self.settings = settings

    @classmethod
    def fit(
        cls, history: pl.DataFrame, settings: ValuationSettings | None = None
    ) -> ReferencePrices:
        """From items with derived fields (``unit_value``, ``hs6``, ``hs_heading``)."""
        settings = settings or ValuationSettings()
        log_value = pl.col("unit_value").log()
        priced = history.filter(pl.col("unit_value") > 0)
        tables = {}
        for level, keys in LEVELS:
            rows = priced
            if level == "national_origin":  # an HS6 code alone is the hs6_origin level's
                rows = priced.filter(pl.col("hs_code").str.len_chars() > 6)
            table = (
                rows.group_by(keys)
                .agg(
                    log_value.median().alias("median"),
                    (log_value - log_value.median()).abs().median().alias("mad"),
                    pl.len().alias("items"),
                )
                .filter(pl.col("items") >= settings.min_items)
                .select(
                    *keys,
                    "median",
                    pl.max_horizontal(pl.col("mad") * MAD_TO_SD, settings.min_spread).alias(
                        "spread"
                    ),
                )
                .sort(keys)
            )
            tables[level] = KeyedTable(table, keys)
        return cls(tables, settings)

    def to_frames(self) -> dict[str, pl.DataFrame]:
        return {level: table.frame for level, table in self.tables.items()}

    @classmethod
    def from_frames(
        cls, frames: dict[str, pl.DataFrame], settings: ValuationSettings | None = None
    ) -> ReferencePrices:
        keys = dict(LEVELS)
        tables = {
            level: KeyedTable(_national(frame, keys[level]), keys[level])
            for level, frame in frames.items()
        }
        return cls(tables, settings or ValuationSettings())

    def fields(self, items: pl.DataFrame) -> dict[str, Array | Lazy]:
        """The valuation fields for ``items`` (with derived fields)."""
        median = np.full(items.height, np.nan)
        spread = np.full(items.height, np.nan)
        basis = np.full(items.height, -1, dtype=np.int64)  # index into LEVELS; -1: none
        for position, (level, _) in enumerate(LEVELS):
            table = self.tables.get(level)
            if table is None:
                continue
            found = table.arrays(items)
            use = np.isnan(median) & ~np.isnan(found["median"])
            median[use] = found["median"][use]
            spread[use] = found["spread"][use]
            basis[use] = position
        return valuation_fields(items.get_column("unit_value").to_numpy(), median, spread, basis)

    def one(self, rows: list[dict[str, Any]]) -> None:
        """The valuation fields of one declaration's items (dicts with derived fields, in
        place): each item's reference found in plain Python, the figures by the same
        formulas as ``fields`` (``valuation_fields``, over the same few values)."""
        references = [self._reference(row) for row in rows]
        median = np.array([found[0] for found in references], dtype=np.float64)
        spread = np.array([found[1] for found in references], dtype=np.float64)
        basis = np.array([found[2] for found in references], dtype=np.int64)
        unit_value = np.array([row["unit_value"] for row in rows], dtype=np.float64)
        fields = valuation_fields(unit_value, median, spread, basis)
        names = [level for level, _ in LEVELS]
        with np.errstate(invalid="ignore"):
            chosen = np.where(unit_value > 0, basis, -1).tolist()  # no figure, so no basis
        columns = [
            (name, fields[name].tolist())  # type: ignore[union-attr]
            for name in ("ref_unit_value", "value_ratio", "valuation_z")
        ]
        for number, row in enumerate(rows):
            for name, values in columns:
                value = values[number]
                row[name] = None if value != value else value  # NaN: none
            row["valuation_basis"] = names[chosen[number]] if chosen[number] >= 0 else None

    def _reference(self, row: dict[str, Any]) -> tuple[float, float, int]:
        """(median, spread, level) of the finest reference the item has; NaN and -1: none."""
        for position, key_of, index in self._one_levels:
            found = index.get(key_of(row))
            if found is not None and found[0] is not None and not math.isnan(found[0]):
                return found[0], np.nan if found[1] is None else found[1], position
        return np.nan, np.nan, -1

    @cached_property
    def _one_levels(self) -> list[tuple[int, Callable[[Any], Any], Mapping[Any, Any]]]:
        return [
            (position, operator.itemgetter(*keys), table.index())
            for position, (level, keys) in enumerate(LEVELS)
            if (table := self.tables.get(level)) is not None
        ]


def _national(frame: pl.DataFrame, keys: tuple[str, ...]) -> pl.DataFrame:
    """A reference table as models trained before conversion stored it (keyed by currency
    too): one row per key, the most common currency's (the history's own)."""
    if "currency" not in frame.columns:
        return frame
    return frame.unique(subset=list(keys), keep="first", maintain_order=True).drop("currency")


def valuation_fields(
    unit_value: Array, median: Array, spread: Array, basis: npt.NDArray[np.int64]
) -> dict[str, Array | Lazy]:
    """The valuation fields from each item's reference (NaN median: none found)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.asarray(unit_value, dtype=np.float64)
        log_value = np.where(value > 0, np.log(np.where(value > 0, value, 1.0)), np.nan)
        reference = np.exp(median)
        basis = np.where(np.isnan(log_value), -1, basis)  # no figure, so no basis for one
        return {
            "ref_unit_value": reference,
            "value_ratio": value / reference,
            "valuation_z": (log_value - median) / spread,
            "valuation_basis": Lazy(partial(_level_names, basis)),
        }


def _level_names(basis: npt.NDArray[np.int64]) -> pl.Series:
    names = [level for level, _ in LEVELS]
    if len(basis) <= SMALL_FRAME:
        return pl.Series(
            "valuation_basis",
            [names[b] if b >= 0 else None for b in basis.tolist()],
            dtype=pl.String,
        )
    codes = pl.Series("valuation_basis", basis)
    return codes.replace_strict(dict(enumerate(names)), default=None, return_dtype=pl.String)


def usual_range(
    value_ratio: float, reference: float, valuation_z: float | None
) -> tuple[float, float] | None:
    """The middle half of the reference's unit values (median ± one median absolute
    deviation on the log scale), recovered from an item's ratio and z-score: what these
    goods "usually declare". None where the z-score cannot give the spread."""
    if valuation_z is None or not math.isfinite(valuation_z) or valuation_z == 0:
        return None
    if value_ratio <= 0 or reference <= 0 or value_ratio == 1:
        return None
    spread = math.log(value_ratio) / valuation_z
    if not math.isfinite(spread) or spread <= 0:
        return None
    deviation = spread / MAD_TO_SD
    return reference * math.exp(-deviation), reference * math.exp(deviation)
