"""What a profile being written would have hit: the 30 days of stored declarations up to
the latest one whose outcome is known (scoring.backtesting.analysis_end), run through the
criteria, with the finding rate among those that were inspected.

The features are computed by the serving engine (its reference prices and compliance
history as they are now), so the figures say what the profile would hit if it were active
over those declarations today; the backtest (issue 6) replays history point in time."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.features import default_catalogue
from portcullis.engine.measurement import share
from portcullis.engine.rules.profiles import ProfileSet
from portcullis.engine.rules.syntax import ProfileError
from portcullis.web.declarations.analysis import analysis_end
from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.inspections.models import Inspection
from portcullis.web.profiles.compiled import engine_profile
from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.reference.lists import current_lists
from portcullis.web.scoring.history import stored_items
from portcullis.web.scoring.live import engine_for
from portcullis.web.scoring.state import engine_state

DAYS = 30


@dataclass(frozen=True)
class Preview:
    declarations: int  # declarations in the period
    hit: int  # of them, hit by the criteria
    inspected: int
    findings: int
    problem: str = ""
    start: datetime | None = None  # the period: after start, up to end included
    end: datetime | None = None

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)


@dataclass(frozen=True)
class _Period:
    ids: pl.Series  # declaration id per item row
    features: object  # engine Features
    declarations: int


def preview(criteria: str) -> Preview:
    try:
        draft = ProfileVersion(
            profile=Profile(code="PREVIEW", name="preview"), number=1, criteria=criteria
        )
        profiles = ProfileSet.compile([engine_profile(draft)], default_catalogue(), current_lists())
    except (ProfileError, ValueError) as error:
        return Preview(0, 0, 0, 0, problem=str(error))
    state = engine_state()
    latest = analysis_end()
    period = _period(state.configuration, state.outcomes, latest)
    if period is None or latest is None:
        return Preview(0, 0, 0, 0)
    rows = profiles.hits(period.features).get_column("row").unique()  # type: ignore[arg-type]
    hit_ids = period.ids.gather(rows).unique().to_list()
    outcomes = Inspection.objects.filter(declaration__declaration_id__in=hit_ids)
    inspected = outcomes.count() if hit_ids else 0
    findings = outcomes.filter(finding=True).count() if hit_ids else 0
    return Preview(
        period.declarations,
        len(hit_ids),
        inspected,
        findings,
        start=latest - timedelta(days=DAYS),
        end=latest,
    )


def preview_items() -> int:
    """How many items the preview reads (the latest DAYS of stored declarations)."""
    latest = analysis_end()
    if latest is None:
        return 0
    start = latest - timedelta(days=DAYS)
    return Item.objects.filter(
        declaration__lodged_at__gt=start, declaration__lodged_at__lte=latest
    ).count()


@functools.lru_cache(maxsize=1)
def _period(configuration: int, outcomes: int, latest: datetime | None) -> _Period | None:
    """The period's features, kept until the engine or the data changes (typing in the
    editor previews again and again over the same declarations)."""
    if latest is None:
        return None
    start = latest - timedelta(days=DAYS)
    chosen = Declaration.objects.filter(lodged_at__gt=start, lodged_at__lte=latest)
    pks = list(chosen.values_list("pk", flat=True))
    items = stored_items(pks).drop("_pk", strict=False).sort("declaration_id", "line_no")
    if items.height == 0:
        return None
    engine: RiskEngine = engine_for(items.get_column("lodged_at").to_list()).engine
    return _Period(items.get_column("declaration_id"), engine.features(items), len(pks))
