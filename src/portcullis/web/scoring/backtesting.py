"""Backtesting profiles on stored history (engine.backtest says how): a draft from the
editor, one or several stored profiles, or the active set, over a date range."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from django.conf import settings
from django.db.models import Max, Min

from portcullis.engine.backtest import BacktestResult, needs_context, run_backtest
from portcullis.engine.features import default_catalogue
from portcullis.engine.rules.profiles import Profile as EngineProfile
from portcullis.engine.rules.profiles import ProfileSet
from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.profiles.compiled import engine_profile
from portcullis.web.profiles.models import ProfileVersion
from portcullis.web.reference.calendar import installation_calendar
from portcullis.web.reference.lists import current_lists
from portcullis.web.scoring.history import item_frame_of, national
from portcullis.web.scoring.history_copy import all_items


class BacktestError(ValueError):
    """The backtest cannot run as asked; the message says why."""


def history_span() -> tuple[datetime | None, datetime | None]:
    span = Declaration.objects.aggregate(first=Min("lodged_at"), last=Max("lodged_at"))
    return span["first"], span["last"]


def active_profiles() -> list[EngineProfile]:
    versions = ProfileVersion.objects.filter(status=ProfileVersion.Status.ACTIVE)
    return [engine_profile(v) for v in versions.select_related("profile")]


def backtest_profiles(
    proposal: list[EngineProfile], start: datetime, end: datetime
) -> BacktestResult:
    """``proposal`` over declarations lodged in [start, end); the overlap is with the active
    profiles that are not part of the proposal."""
    if not proposal:
        raise BacktestError("nothing to backtest: name at least one profile")
    if end <= start:
        raise BacktestError(f"the period is empty: {start:%Y-%m-%d} is not before {end:%Y-%m-%d}")
    catalogue, lists = default_catalogue(), current_lists()
    try:
        profiles = ProfileSet.compile(proposal, catalogue, lists)
    except ValueError as error:
        raise BacktestError(str(error)) from None
    codes = {p.code for p in proposal}
    others = [p for p in active_profiles() if p.code not in codes]
    existing = ProfileSet.compile(others, catalogue, lists)
    context = needs_context(profiles, catalogue) or needs_context(existing, catalogue)
    # Only the period unless a criterion reads trader history or reference prices, which
    # need what was lodged before it.
    if settings.PORTCULLIS_HISTORY_COPY:
        history = all_items().filter(pl.col("lodged_at") < end)
        if not context:
            history = history.filter(pl.col("lodged_at") >= start)
    else:
        items = Item.objects.filter(declaration__lodged_at__lt=end)
        if not context:
            items = items.filter(declaration__lodged_at__gte=start)
        history = national(item_frame_of(items).drop("_pk", strict=False))
    if history.height == 0:
        raise BacktestError(f"no declarations are stored for {start:%Y-%m-%d} to {end:%Y-%m-%d}")
    history = history.sort("lodged_at", "declaration_id", "line_no", maintain_order=True)
    calendar = installation_calendar()
    return run_backtest(history, start, end, profiles, catalogue, existing, calendar)


def proposal_of(versions: list[ProfileVersion]) -> list[EngineProfile]:
    return [engine_profile(v) for v in versions]


def draft(criteria: str, selection_pct: float = 100.0) -> list[EngineProfile]:
    """An unsaved profile from the editor."""
    return [EngineProfile(code="DRAFT", version=1, criteria=criteria, selection_pct=selection_pct)]
