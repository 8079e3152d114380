"""The compliance history a serving process keeps: built from a columnar copy of history
read lazily, kept by key from a few days before the latest declaration or outcome on
(``tallies``), so that its size follows the number of traders and goods, not the history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import polars as pl

from portcullis.engine.features.compliance import ComplianceHistory, ComplianceSettings
from portcullis.engine.features.derived import add_derived, add_levels
from portcullis.engine.features.tallies import window_reach

# How far before the latest declaration or outcome a serving history stays exact: late
# submissions and clocks a little apart are assessed by it; anything older is assessed with
# the whole history (``BeforeReach``).
REACH_DAYS = 7


def serving_history(
    scan: pl.LazyFrame,
    national: Callable[[pl.DataFrame], pl.DataFrame],
    settings: ComplianceSettings | None = None,
    reach_days: int = REACH_DAYS,
) -> ComplianceHistory:
    """The serving history of ``scan`` (stored items as declared, with outcomes);
    ``national`` converts items' amounts to the national currency (only the items the
    windows reach are read whole and converted)."""
    settings = settings or ComplianceSettings()
    latest = scan.select(
        pl.max_horizontal(pl.col("lodged_at").max(), pl.col("known_at").max())
    ).collect()
    end = latest.item() if latest.height else None
    if end is None:
        return ComplianceHistory(add_derived(national(scan.collect())), settings)
    since = end - timedelta(days=reach_days)
    reach = window_reach(since, settings.windows)
    window_items = add_derived(national(scan.filter(pl.col("lodged_at") >= reach).collect()))
    return ComplianceHistory(add_levels(scan), settings, since, window_items)
