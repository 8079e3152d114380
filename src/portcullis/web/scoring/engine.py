"""The risk engine as the database configures it: the active model, profiles and policy, the
watchlist in force, AEO importers, and the compliance history of everything stored."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import polars as pl

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.features import FeatureContext, default_catalogue
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.model.artifact import ArtifactError, ModelArtifact
from portcullis.web.intelligence.watchlist import watchlist_in_force
from portcullis.web.profiles.compiled import active_versions, profile_set
from portcullis.web.profiles.models import ProfileSetVersion
from portcullis.web.reference.calendar import installation_calendar
from portcullis.web.reference.rates import rate_book
from portcullis.web.scoring import registry
from portcullis.web.scoring.history import national, stored_items
from portcullis.web.scoring.models import ModelVersion, PolicyVersion
from portcullis.web.scoring.policies import active_policy, policy_of, selection_seed
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
    else fitted on the history) and compliance figures. Costly to build; kept while valid."""

    prices: ReferencePrices
    compliance: ComplianceHistory


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
