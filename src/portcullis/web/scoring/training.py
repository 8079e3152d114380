"""Training a model on the stored history and putting it to work.

Features are built point in time from everything stored; the model learns from the inspected
declarations lodged up to ``until``. Activating it also recalibrates the policy's thresholds
on the scores it gives the most recent declarations, so that each office selects its target
rates from the first day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction

from portcullis.engine.features import FeatureContext, build_features
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.model.training import TrainingSettings, train_model
from portcullis.engine.selectivity import calibrate
from portcullis.web.scoring import registry
from portcullis.web.scoring.engine import build_engine
from portcullis.web.scoring.history_copy import all_items
from portcullis.web.scoring.models import ModelVersion, PolicyVersion
from portcullis.web.scoring.policies import active_policy, policy_of, save_policy

CALIBRATION_DAYS = 90  # the recent period whose scores set the thresholds


@dataclass
class Trained:
    model: ModelVersion
    policy: PolicyVersion | None  # the recalibrated policy, when activated
    items: int
    findings: int


def train_from_history(
    user: User | None,
    *,
    until: datetime | None = None,
    activate: bool = False,
    settings: TrainingSettings | None = None,
    history: pl.DataFrame | None = None,
) -> Trained:
    """``history``: every stored item, if the caller has already read it."""
    history = all_items() if history is None else history
    derived = add_derived(history)
    training = derived if until is None else derived.filter(pl.col("lodged_at") < until)
    prices = ReferencePrices.fit(training)
    context = FeatureContext(prices, ComplianceHistory(derived))
    features = build_features(
        history if until is None else history.filter(pl.col("lodged_at") < until), context
    ).polars()
    artifact = train_model(
        features,
        prices,
        settings or TrainingSettings(),
        notes={"until": until.isoformat() if until else None},
    )
    version = registry.register(artifact, user)
    policy = None
    if activate:
        registry.activate(version, user, why="trained and activated")
        policy = recalibrate(user, history, until)
    labelled = features.filter(pl.col("finding").is_not_null())
    return Trained(version, policy, labelled.height, int(labelled.get_column("finding").sum()))


def recalibrate(user: User | None, history: pl.DataFrame, until: datetime | None) -> PolicyVersion:
    """Thresholds set on the active model's scores of the latest CALIBRATION_DAYS of
    declarations lodged before ``until``, saved as a new active policy version."""
    live = build_engine(history)
    end = until or cast(datetime, history.get_column("lodged_at").max())
    recent = history.filter(
        (pl.col("lodged_at") >= end - timedelta(days=CALIBRATION_DAYS))
        & (pl.col("lodged_at") < end)
    )
    if recent.height == 0:
        recent = history
    scores = live.engine.assess(recent, explain="none").declarations.select("office", "risk_score")
    current = policy_of(active_policy())
    policy = calibrate(current, scores.drop_nulls())
    note = f"thresholds recalibrated on {scores.height:,} declarations up to {end:%Y-%m-%d}"
    return save_policy(policy, user, note)


@transaction.atomic
def promote(
    version: ModelVersion,
    user: User | None,
    why: str = "promoted from the model registry",
    history: pl.DataFrame | None = None,
) -> PolicyVersion:
    """Make a trained candidate the active model, with thresholds recalibrated on its scores
    (the old model's thresholds would select a different share). ``history``: every stored
    item, if the caller has already read it."""
    registry.activate(version, user, why=why)
    return recalibrate(user, all_items() if history is None else history, None)
