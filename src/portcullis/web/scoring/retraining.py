"""Retraining with champion and challenger (engine.model.challenge says how they compare).

The challenger learns from every outcome lodged before the held-out period (the latest
HOLDOUT_DAYS of history), is registered as a candidate with its comparison in its metadata,
and is promoted (activated, thresholds recalibrated) only if it beats the active model on
that period at the policy's target inspection rate. Comparison and promotion are audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import cast

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction

from portcullis.engine.model.challenge import Verdict, challenge
from portcullis.engine.model.training import TrainingSettings
from portcullis.engine.selectivity import DEFAULT_OFFICE
from portcullis.web.audit.services import record
from portcullis.web.scoring import registry
from portcullis.web.scoring.history_copy import all_items
from portcullis.web.scoring.models import ModelVersion
from portcullis.web.scoring.policies import active_policy, policy_of
from portcullis.web.scoring.training import promote, train_from_history

HOLDOUT_DAYS = 28


@dataclass
class Retrained:
    challenger: ModelVersion
    verdict: Verdict
    promoted: bool


def target_rate() -> float:
    """The share of declarations the active policy selects on risk, in percent."""
    rates = policy_of(active_policy()).rates[DEFAULT_OFFICE]
    return round((rates.red + rates.yellow + rates.blue) * 100, 4)


def holdout_start(history: pl.DataFrame, days: int) -> datetime:
    """The start of the latest ``days`` of declarations whose outcome is known. Outcomes
    come days after lodging: counted back from the newest declaration (one lodged a moment
    ago), the held-out period would hold no outcome and retraining could never compare."""
    labelled = history.filter(pl.col("finding").is_not_null())
    latest = cast(datetime | None, labelled.get_column("lodged_at").max())
    if latest is None:
        raise ValueError("no inspection outcomes are stored: there is nothing to retrain on")
    return latest - timedelta(days=days)


def retrain(
    user: User | None,
    *,
    holdout_days: int = HOLDOUT_DAYS,
    settings: TrainingSettings | None = None,
    history: pl.DataFrame | None = None,
) -> Retrained:
    """``history``: every stored item, if the caller has already read it."""
    history = all_items() if history is None else history
    start = holdout_start(history, holdout_days)
    trained = train_from_history(user, until=start, settings=settings, history=history)
    candidate = trained.model
    champion = registry.active()
    same = champion is not None and champion.pk == candidate.pk
    verdict = challenge(
        history,
        start,
        registry.load(candidate.version),
        registry.load(champion.version) if champion is not None else None,
        target_rate(),
    )
    if same:
        # Trained on exactly the outcomes the active model was: the same model, nothing to
        # compare. Said so rather than "not better" against itself.
        verdict = replace(
            verdict,
            promote=False,
            reason="the challenger is the active model itself: no outcome known before the "
            "held-out period has been added since it was trained",
        )
    promoted = verdict.promote and not same
    with transaction.atomic():
        candidate.metadata = {**candidate.metadata, "challenge": verdict.to_dict()}
        candidate.save(update_fields=["metadata"])
        record(
            user,
            "model.challenge",
            candidate,
            f"challenger {candidate.version} against "
            f"{champion.version if champion else 'no active model'}: {verdict.reason}"
            + ("; promoted" if promoted else "; kept as a candidate"),
            verdict=verdict.to_dict(),
        )
        if promoted:
            promote(candidate, user, why=f"won the challenge: {verdict.reason}", history=history)
    candidate.refresh_from_db()
    return Retrained(candidate, verdict, promoted)
