"""The features of an item: derived from the declaration, then placed in context.

Context means what the item is judged against besides itself: reference prices (valuation),
the compliance history of its traders and goods, and the watchlist. Those "context fields"
are what a decision stores to be replayed exactly later, since history moves on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.catalogue import Catalogue, build_catalogue
from portcullis.engine.conversion import RateBook, to_national
from portcullis.engine.features.calendar import Calendar
from portcullis.engine.features.compliance import ComplianceHistory, ComplianceSettings
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.table import Column, Features
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.items import SMALL_FRAME, declaration_starts, empty_items
from portcullis.engine.watchlist import KINDS as WATCHLIST_KINDS
from portcullis.engine.watchlist import Watchlist


@dataclass
class FeatureContext:
    prices: ReferencePrices
    compliance: ComplianceHistory
    watchlist: Watchlist = field(default_factory=Watchlist)
    aeo_importers: frozenset[str] = frozenset()
    # Exchange rates to the national currency; None: the amounts are national already.
    rates: RateBook | None = None
    # The time zone, weekend and public holidays the calendar fields are read in.
    calendar: Calendar = field(default_factory=Calendar)

    def aeo_flags(self, frame: pl.DataFrame) -> npt.NDArray[np.bool_]:
        importers = frame.get_column("importer")
        if frame.height <= SMALL_FRAME:
            return np.array(
                [code in self.aeo_importers for code in importers.to_list()], dtype=bool
            )
        known = pl.Series(sorted(self.aeo_importers), dtype=pl.String)
        return importers.is_in(known.implode()).fill_null(False).to_numpy()


def catalogue_for(settings: ComplianceSettings) -> Catalogue:
    return build_catalogue(
        tuple(s.name for s in settings.subjects),
        settings.activity,
        WATCHLIST_KINDS,
        settings.windows,
    )


@cache
def default_catalogue() -> Catalogue:
    return catalogue_for(ComplianceSettings())


def context_fields(catalogue: Catalogue) -> tuple[str, ...]:
    """The fields a decision stores to be replayed: those that depend on more than the
    declaration itself (``model_score`` is recomputed from them)."""
    groups = ("valuation", "compliance", "history", "calendar", "watchlist", "trader")
    names = tuple(f.name for f in catalogue.fields.values() if f.group in groups)
    return (*names, "rate_applied")  # reference data too: the rate in force then


def build_features(
    items: pl.DataFrame, context: FeatureContext, starts: npt.NDArray[np.int64] | None = None
) -> Features:
    """Every catalogue field of ``items`` but ``model_score``, point in time. ``starts``: the
    first row of each declaration, if known."""
    starts = declaration_starts(items) if starts is None else starts
    frame = add_derived(to_national(items, context.rates), one_declaration=len(starts) == 1)
    watchlist_hits = context.watchlist.hits(frame)
    columns: dict[str, Column] = {
        **context.prices.fields(frame),
        **context.compliance.fields(frame, starts),
        **context.watchlist.flag_columns(frame, watchlist_hits),
        **context.calendar.fields(frame),
        "importer_aeo": context.aeo_flags(frame),
    }
    features = Features(frame, columns)
    features.watchlist_hits = watchlist_hits
    return features


def empty_context() -> FeatureContext:
    """A context with no history at all (everything is new, nothing has a reference)."""
    history = add_derived(empty_items())
    return FeatureContext(ReferencePrices.fit(history), ComplianceHistory(history))


__all__ = [
    "Calendar",
    "FeatureContext",
    "Features",
    "build_features",
    "catalogue_for",
    "context_fields",
    "default_catalogue",
    "empty_context",
]
