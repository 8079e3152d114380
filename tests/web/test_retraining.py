"""Champion and challenger: a retraining that does not beat the active model leaves it
active; one that does is promoted, and both are audited."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from django.utils import timezone

from portcullis.engine.features import FeatureContext, build_features
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.model.training import TrainingSettings, train_model
from portcullis.web.audit.models import AuditEvent
from portcullis.web.jobs.models import Job
from portcullis.web.scoring import registry
from portcullis.web.scoring.history import stored_items
from portcullis.web.scoring.models import ModelVersion
from portcullis.web.scoring.retraining import retrain, target_rate
from portcullis.web.usecases.jobs import run
from portcullis.web.usecases.schedule import queue_retraining_if_due
from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = pytest.mark.django_db
HOLDOUT = 7  # days: the test history is three weeks of January 2020
WEAK = TrainingSettings(max_rounds=1)


def _active() -> ModelVersion:
    return ModelVersion.objects.get(status=ModelVersion.Status.ACTIVE)


def test_a_challenger_that_does_not_beat_the_active_model_is_kept_as_a_candidate(trained):
    """The active model learned from the whole history, held-out period included; a one-tree
    challenger that never saw it cannot beat it."""
    champion = _active()
    result = retrain(None, holdout_days=HOLDOUT, settings=WEAK)

    assert not result.promoted
    assert not result.verdict.promote
    assert _active() == champion
    assert result.challenger.status == ModelVersion.Status.CANDIDATE
    kept = result.challenger.metadata["challenge"]
    assert kept["champion"]["version"] == champion.version
    assert kept["rate"] == target_rate() > 0
    assert kept["challenger"]["precision"] <= kept["champion"]["precision"]
    event = AuditEvent.objects.get(action="model.challenge")
    assert "kept as a candidate" in event.summary
    assert not AuditEvent.objects.filter(
        action="model.activate", object_id=str(result.challenger.pk)
    ).exists()


def _inverted_champion() -> ModelVersion:
    """A model that learned the outcomes backwards and to look at cheap items: it ranks
    findings last and the revenue at stake with them. (Backwards alone picks the dear
    items, whose rare findings can carry more duty than a good model's many cheap ones:
    a fair trade-off the judge leaves to an analyst, not the clear loss wanted here.)"""
    history = stored_items().drop("_pk")
    cheap = pl.col("customs_value") < pl.col("customs_value").median()
    backwards = history.with_columns(~pl.col("finding") & cheap)
    prices = ReferencePrices.fit(add_derived(backwards))
    features = build_features(
        backwards, FeatureContext(prices, ComplianceHistory(add_derived(backwards)))
    ).polars()
    artifact = train_model(features, prices, TrainingSettings(max_rounds=30))
    version = registry.register(artifact, None)
    registry.activate(version, None, why="a test's poor champion")
    return version


def test_a_challenger_that_beats_the_active_model_is_promoted_and_audited(trained):
    poor = _inverted_champion()
    result = retrain(None, holdout_days=HOLDOUT, settings=TrainingSettings(max_rounds=30))

    assert result.promoted, result.verdict.reason
    assert _active() == result.challenger
    poor.refresh_from_db()
    assert poor.status == ModelVersion.Status.RETIRED
    verdict = result.verdict
    assert verdict.champion is not None
    assert verdict.challenger.precision > verdict.champion.precision
    assert verdict.challenger.revenue >= verdict.champion.revenue
    assert "promoted" in AuditEvent.objects.get(action="model.challenge").summary
    activation = AuditEvent.objects.filter(action="model.activate").latest("pk")
    assert activation.object_id == str(result.challenger.pk)
    assert "won the challenge" in str(activation.details)


def test_the_challenger_never_sees_the_held_out_period(trained):
    result = retrain(None, holdout_days=HOLDOUT, settings=WEAK)
    trained_to = result.challenger.metadata["training"]["to"]
    assert trained_to < result.verdict.held_out_from


def test_the_worker_queues_a_retraining_when_one_is_due_and_runs_it(trained):
    every = timedelta(days=7)
    job = queue_retraining_if_due(every)
    assert job is not None
    assert queue_retraining_if_due(every) is None  # just queued: not due again
    Job.objects.filter(pk=job.pk).update(parameters={"holdout_days": HOLDOUT, "max_rounds": 1})
    run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["promoted"] is False
    assert job.result["verdict"]["champion"]["version"] == _active().version
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - every - timedelta(hours=1))
    assert queue_retraining_if_due(every) is not None


def test_a_declaration_lodged_now_does_not_empty_the_held_out_period(trained):
    # A clearance system's submission is lodged now, years after the last known outcome:
    # the held-out period is the latest days whose outcomes are known, not the days before
    # the newest declaration (which hold no outcome yet).
    (submitted,) = lodge(declaration("NOW-1", lodged_at=timezone.now().isoformat()))
    assert submitted.decision is not None
    labelled = stored_items().filter(pl.col("finding").is_not_null())
    latest_outcome = labelled.get_column("lodged_at").max()
    result = retrain(None, holdout_days=HOLDOUT, settings=WEAK)
    held_out_from = datetime.fromisoformat(result.verdict.held_out_from)
    assert latest_outcome - timedelta(days=HOLDOUT) <= held_out_from <= latest_outcome


def test_a_challenger_that_is_the_active_model_itself_is_said_to_be(trained):
    first = retrain(None, holdout_days=HOLDOUT, settings=WEAK)
    registry.activate(first.challenger, None, why="a test: the weak model in service")
    again = retrain(None, holdout_days=HOLDOUT, settings=WEAK)  # the same outcomes
    assert again.challenger.pk == first.challenger.pk
    assert not again.promoted
    assert "the challenger is the active model itself" in again.verdict.reason
