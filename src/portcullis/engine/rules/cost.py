"""What a profile costs to run: measured on real features, because what the criteria say
and what they cost differ (330 "contains" tests or-ed together made every submission 25
times slower). Two figures: per item over a batch (imports, backtests), and for a single
declaration by the plain Python path a submission takes (what every submission pays)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from portcullis.engine.catalogue import Catalogue
from portcullis.engine.features.table import Features
from portcullis.engine.rules.lists import Lists
from portcullis.engine.rules.profiles import Profile, ProfileSet

_RUNS = 5  # the best of a few runs: the figure of the work, not of what else ran
_MAX_RUNS = 50
_BUDGET_S = 0.05


@dataclass(frozen=True)
class Cost:
    per_item_us: float  # microseconds per item, over a batch
    single_ms: float  # milliseconds for one declaration of one item
    items: int  # the batch it was measured on

    def to_dict(self) -> dict[str, float | int]:
        return {"per_item_us": self.per_item_us, "single_ms": self.single_ms, "items": self.items}


def _best(run: Callable[[], object]) -> float:
    """The fastest of several runs: at least ``_RUNS``, more while they are cheap (up to
    ``_MAX_RUNS`` within ``_BUDGET_S``), so that a machine busy with other work (a test run,
    an import) does not make a cheap profile look dear and have it refused."""
    best, spent, runs = float("inf"), 0.0, 0
    while runs < _RUNS or (runs < _MAX_RUNS and spent < _BUDGET_S):
        started = time.perf_counter()
        run()
        took = time.perf_counter() - started
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best


def measure(
    profile: Profile, catalogue: Catalogue, features: Features, lists: Lists | None = None
) -> Cost:
    """``profile``'s cost over ``features`` (a batch of items, several hundred at least),
    with the named ``lists`` it reads."""
    compiled = ProfileSet.compile([profile], catalogue, lists)
    frame = features.polars()  # every field computed once, outside what is timed
    items = frame.height
    every = Features(frame)
    batch = _best(lambda: compiled.hits(every))
    # A submission runs the profile as a plain Python function of its items' fields
    # (rules.single), not as a frame of one: that is what it pays.
    rows = compiled.row_index(catalogue)
    one = frame.head(1).to_dicts()
    single = _best(lambda: rows.hits(one))
    return Cost(
        per_item_us=round(batch / max(items, 1) * 1e6, 3),
        single_ms=round(single * 1e3, 3),
        items=items,
    )
