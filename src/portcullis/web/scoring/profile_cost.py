"""Measuring what a profile costs on this installation's own declarations: the latest
stored items, or (before any are stored) a synthetic flow, run through the serving engine's
features, as every submission's profiles are. The sample is assessed as if lodged now (moved
by whole weeks past everything the serving engine's history holds, which keeps weekdays and
hours): its features are then those a submission gets, and the serving engine's history,
kept for declarations lodged from a few days back, serves them (an engine over the whole
history took seconds at each approval)."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

import polars as pl
from django.conf import settings

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.features import default_catalogue
from portcullis.engine.items import SCHEMA
from portcullis.engine.rules.cost import Cost, measure
from portcullis.engine.rules.profiles import Profile
from portcullis.engine.synthetic import SyntheticSettings, generate
from portcullis.web.declarations.models import Declaration
from portcullis.web.reference.lists import current_lists
from portcullis.web.scoring.history import stored_items
from portcullis.web.scoring.live import live_engine
from portcullis.web.scoring.state import engine_state

SAMPLE_DECLARATIONS = 1000
_WEEK = timedelta(days=7)


def _sample() -> object:
    latest = Declaration.objects.order_by("-pk").values_list("pk", flat=True).first()
    state = engine_state()
    return _features(state.configuration, state.outcomes, latest)


@functools.lru_cache(maxsize=1)
def _features(configuration: int, outcomes: int, latest: int | None) -> object:
    """The sample's features, kept until the engine or the declarations change (previews
    measure again and again while the analyst types)."""
    pks = list(
        Declaration.objects.order_by("-lodged_at").values_list("pk", flat=True)[
            :SAMPLE_DECLARATIONS
        ]
    )
    items = stored_items(pks).drop("_pk", strict=False) if pks else None
    if items is None or items.height < SAMPLE_DECLARATIONS // 4:
        flow = generate(SyntheticSettings(declarations=SAMPLE_DECLARATIONS, seed=1))
        items = flow.select([name for name in SCHEMA if name in flow.columns])
    engine = live_engine().engine
    return engine.features(_lodged_now(items.sort("declaration_id", "line_no"), engine))


def _lodged_now(items: pl.DataFrame, engine: RiskEngine) -> pl.DataFrame:
    compliance = engine.context.compliance
    first: datetime | None = items.get_column("lodged_at").min()  # type: ignore[assignment]
    known = [t for t in (compliance.latest_known, compliance.latest_lodged) if t is not None]
    if first is None or not known or max(known) < first:
        return items
    weeks = (max(known) - first) // _WEEK + 1
    return items.with_columns(pl.col("lodged_at") + weeks * _WEEK)


def profile_cost(profile: Profile) -> Cost:
    return measure(profile, default_catalogue(), _sample(), current_lists())  # type: ignore[arg-type]


def max_single_ms() -> float:
    return float(settings.PORTCULLIS_PROFILE_MAX_MS)
