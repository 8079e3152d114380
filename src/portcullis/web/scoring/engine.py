"""The risk engine as the database configures it: the active model, profiles and policy, the
watchlist in force, AEO importers, and the compliance history of everything stored."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, replace

import polars as pl
from django.conf import settings

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.features import FeatureContext, default_catalogue
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.serving import serving_history
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.items import without_outcomes
from portcullis.engine.model.artifact import ArtifactError, ModelArtifact
from portcullis.web.declarations.models import Item
from portcullis.web.inspections.models import Inspection
from portcullis.web.intelligence.watchlist import watchlist_in_force
from portcullis.web.profiles.compiled import active_versions, profile_set
from portcullis.web.profiles.models import ProfileSetVersion
from portcullis.web.reference.calendar import installation_calendar
from portcullis.web.reference.rates import rate_book
from portcullis.web.scoring import registry
from portcullis.web.scoring.held import (
    Held,
    HeldRows,
    ReadAgain,
    one_snapshot,
    stored_since,
    verified,
)
from portcullis.web.scoring.history import national, stored_items
from portcullis.web.scoring.history_copy import Stamp, current_scan, recorded
from portcullis.web.scoring.models import ModelVersion, PolicyVersion
from portcullis.web.scoring.policies import active_policy, policy_of, selection_seed
from portcullis.web.scoring.state import history_rewrites
from portcullis.web.traders.models import Trader

logger = logging.getLogger(__name__)


@dataclass
class LiveEngine:
    """A risk engine and the stored versions it was built from."""

    engine: RiskEngine
    model_version: ModelVersion | None
    policy_version: PolicyVersion
    profile_set: ProfileSetVersion
    profile_versions: dict[tuple[str, int], int]  # (code, number) -> ProfileVersion pk
    profile_of_version: dict[int, int]  # ProfileVersion pk -> Profile pk


def aeo_importers() -> frozenset[str]:
    authorised = Trader.objects.filter(role=Trader.Role.IMPORTER).exclude(
        aeo_status=Trader.AeoStatus.NONE
    )
    return frozenset(authorised.values_list("code", flat=True))


@dataclass(frozen=True)
class HistoryContext:
    """What the stored history gives an engine: reference prices (those of the active model,
    else fitted on the history) and compliance figures. Costly to build; kept while valid.
    ``held``: the stored rows it holds, for a serving history that takes what came after as
    additions (None: read again in full)."""

    prices: ReferencePrices
    compliance: ComplianceHistory
    held: Held | None = None


def load_active_model() -> tuple[ModelVersion | None, ModelArtifact | None, str]:
    """(active version, its artifact, why it could not be loaded)."""
    model_version = registry.active()
    if model_version is None:
        return None, None, ""
    try:
        return model_version, registry.load(model_version.version), ""
    except ArtifactError as error:
        # Every declaration is then held with this reason: never released for a fault.
        problem = f"the active model {model_version.version} cannot be loaded: {error}"
        logger.error(problem)
        return model_version, None, problem


def history_context(
    model: ModelArtifact | None, history: pl.DataFrame | None = None
) -> HistoryContext:
    """The context of ``history`` (default: every stored declaration and outcome)."""
    frame = stored_items() if history is None else national(history)
    derived = add_derived(frame.drop("_pk", strict=False))
    prices = model.prices if model is not None else ReferencePrices.fit(derived)
    return HistoryContext(prices, ComplianceHistory(derived))


def serving_context(model: ModelArtifact | None) -> HistoryContext:
    """The context a serving process keeps: the compliance history by key from a few days
    before the latest declaration or outcome on (``engine/features/serving.py``), read from
    the columnar copy without holding it whole. Declarations lodged earlier are assessed by
    an engine over the whole history (``live.engine_for``)."""
    if not settings.PORTCULLIS_HISTORY_COPY:
        return history_context(model)
    for _attempt in range(3):
        scan, stamp = current_scan()
        compliance = serving_history(
            scan, national, reach_days=settings.PORTCULLIS_SERVING_REACH_DAYS
        )
        if stamp is None or recorded() in (stamp, None):
            break  # the copy was not replaced while it was read (by another process)
    if model is not None:
        prices = model.prices
    else:
        prices = ReferencePrices.fit(_derived(national(scan.collect())))
    return HistoryContext(prices, compliance, _held(stamp))


def _held(stamp: Stamp | None) -> Held | None:
    """What a history read at ``stamp`` holds (counted again in full at its first refresh:
    a transaction still open when it was read may commit a row under its highest key)."""
    if stamp is None:
        return None
    at = time.monotonic()
    return Held(
        HeldRows.up_to(stamp.items, stamp.last_item, at),
        HeldRows.up_to(stamp.outcomes, stamp.last_outcome, at),
        stamp.rewrites,
        -math.inf,
    )


def advanced(context: HistoryContext) -> HistoryContext | None:
    """``context`` with the declarations and outcomes stored since it was built added (read
    by their keys, nothing of history read again or counted: ``held``); None when something
    other than additions happened (an amendment, an outcome corrected or taken away), which
    needs the history read again."""
    if context.held is None:
        return None
    with one_snapshot():
        return _advanced(context, context.held)


def _advanced(context: HistoryContext, held: Held) -> HistoryContext | None:
    if history_rewrites() != held.rewrites:
        return None
    at = time.monotonic()
    try:
        stored, held_items = stored_since(Item, held.items, at)
        recorded_since, held_outcomes = stored_since(Inspection, held.outcomes, at)
        now = verified(
            replace(held, items=held_items, outcomes=held_outcomes), Item, Inspection, at
        )
    except ReadAgain as why:
        logger.info("serving history read again: %s", why)
        return None
    if not stored and not recorded_since:
        return HistoryContext(context.prices, context.compliance, now)
    new = {declaration for _, declaration in stored}
    inspected = {declaration for _, declaration in recorded_since}
    # New declarations count as declared; every outcome recorded since, of a new declaration
    # or an old one, counts once, as an outcome (one read later would be counted again).
    declarations = without_outcomes(_derived(stored_items(new))) if new else None
    outcomes = _derived(stored_items(inspected)).filter(pl.col("finding").is_not_null())
    if declarations is None:
        declarations = outcomes.clear()
    compliance = context.compliance.plus(declarations, outcomes)
    logger.info("serving history: %s declarations and %s outcomes added", len(new), len(inspected))
    return HistoryContext(context.prices, compliance, now)


def _derived(frame: pl.DataFrame) -> pl.DataFrame:
    return add_derived(frame.drop("_pk", strict=False))


def build_engine(
    history: pl.DataFrame | None = None, context: HistoryContext | None = None
) -> LiveEngine:
    """An engine over ``history`` (default: every stored declaration and outcome), or over
    an already built ``context``, configured as the database says now."""
    model_version, model, problem = load_active_model()
    if context is None:
        context = history_context(model, history)
    features = FeatureContext(
        context.prices,
        context.compliance,
        watchlist_in_force(),
        aeo_importers(),
        rate_book(),
        installation_calendar(),
    )
    versions = active_versions()
    profiles, stored_set = profile_set(versions)
    policy_version = active_policy()
    engine = RiskEngine(
        default_catalogue(),
        features,
        profiles,
        policy_of(policy_version),
        selection_seed(),
        model,
        model_problem=problem,
    )
    # The windows the profiles read are indexed now, not by the first submission after
    # each refresh (seconds over a large history; a reused context keeps its index).
    engine.prepare()
    return LiveEngine(
        engine,
        model_version,
        policy_version,
        stored_set,
        {(v.profile.code, v.number): v.pk for v in versions},
        {v.pk: v.profile_id for v in versions},
    )
