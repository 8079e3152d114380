"""The risk model: the registry of versions, training, champion against challenger, drift,
promotion; and backtesting a proposed selectivity policy.

Training, retraining and drift checks take minutes on a national history: from the pages
and the API they run as jobs (``background=True``), from the command line at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N_

from portcullis.engine.model.artifact import ArtifactError
from portcullis.engine.model.challenge import ChallengeError
from portcullis.engine.model.training import TrainingError, TrainingSettings
from portcullis.engine.policy_backtest import PolicyBacktest
from portcullis.engine.selectivity import Policy, PolicyError
from portcullis.web.accounts.scopes import Scope
from portcullis.web.errors import Invalid, NotAllowedNow, NotFound
from portcullis.web.jobs.models import Job
from portcullis.web.scoring.drift import DriftError, active_model_check, check_drift, latest_check
from portcullis.web.scoring.models import DriftCheck, ModelVersion, PolicyVersion
from portcullis.web.scoring.performance import WEEKS, Performance, performance
from portcullis.web.scoring.policy_backtesting import backtest_proposed_policy
from portcullis.web.scoring.retraining import HOLDOUT_DAYS, Retrained, retrain
from portcullis.web.scoring.training import Trained, promote, train_from_history
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.jobs import MODEL_JOBS, queue
from portcullis.web.usecases.reports import chosen_period

VIEW = "scoring.view_modelversion"
TRAIN = "scoring.add_modelversion"
PROMOTE = "scoring.change_modelversion"


@dataclass(frozen=True)
class ModelsView:
    versions: QuerySet[ModelVersion]  # newest first
    drift: DriftCheck | None  # the active model's latest check
    jobs: QuerySet[Job]  # the latest model jobs


@use_case("model.list", N_("see the risk models"), permission=VIEW)
def list_models(actor: Actor) -> ModelsView:
    versions = ModelVersion.objects.select_related("created_by").order_by("-created_at")
    jobs = Job.objects.filter(kind__in=MODEL_JOBS).order_by("-created_at")[:5]
    return ModelsView(versions, active_model_check(), jobs)


@dataclass(frozen=True)
class ModelView:
    model: ModelVersion
    performance: Performance
    drift: DriftCheck | None
    drift_jobs: QuerySet[Job]


@use_case("model.read", N_("see the risk models"), permission=VIEW)
def read_model(
    actor: Actor,
    version: str,
    *,
    period: tuple[date | None, date | None] | None = None,
) -> ModelView:
    """A version with its performance in use, over the declarations the actor reaches, and
    its latest drift check. ``period`` (first and last day, either left out for the
    default: the WEEKS weeks ending today) bounds the performance; without it, the latest
    WEEKS weeks the version decided."""
    model = ModelVersion.objects.filter(version=version).first()
    if model is None:
        raise NotFound(f"model {version} does not exist")
    chosen = None if period is None else chosen_period(*period, days=WEEKS * 7)
    jobs = Job.objects.filter(kind=Job.Kind.DRIFT).order_by("-created_at")[:1]
    return ModelView(model, performance(model, actor.reach, chosen), latest_check(model), jobs)


@use_case("model.train", N_("train risk models"), permission=TRAIN, scope=Scope.ADMIN)
def train(
    actor: Actor,
    *,
    activate: bool = False,
    until: datetime | None = None,
    max_rounds: int | None = None,
    background: bool = False,
) -> Trained | Job:
    """A model learnt from the stored outcomes (lodged before ``until``), kept as a
    candidate; ``activate`` also makes it the active one, with thresholds recalibrated."""
    if background:
        return queue(Job.Kind.TRAINING, {"activate": activate, "max_rounds": max_rounds}, actor)
    settings = TrainingSettings(max_rounds=max_rounds) if max_rounds else None
    try:
        return train_from_history(actor.account, until=until, activate=activate, settings=settings)
    except TrainingError as error:
        raise NotAllowedNow(str(error)) from None


@use_case("model.retrain", N_("train risk models"), permission=TRAIN, scope=Scope.ADMIN)
def retrain_model(
    actor: Actor, *, holdout_days: int = HOLDOUT_DAYS, background: bool = False
) -> Retrained | Job:
    """A challenger trained before the latest held-out days, promoted only if it beats the
    active model there."""
    if holdout_days < 1:
        raise Invalid("the held-out period is at least one day")
    if background:
        return queue(Job.Kind.RETRAINING, {"holdout_days": holdout_days}, actor)
    try:
        return retrain(actor.account, holdout_days=holdout_days)
    except (TrainingError, ChallengeError, ValueError) as error:
        raise NotAllowedNow(str(error)) from None


@use_case("model.drift", N_("check the risk model for drift"), permission=TRAIN, scope=Scope.ADMIN)
def check_model_drift(
    actor: Actor, *, days: int | None = None, background: bool = False
) -> DriftCheck | Job:
    if background:
        return queue(Job.Kind.DRIFT, {"days": days} if days else {}, actor)
    try:
        return check_drift(actor.account, days=days)
    except DriftError as error:
        raise NotAllowedNow(str(error)) from None


@use_case("model.promote", N_("promote risk models"), permission=PROMOTE, scope=Scope.ADMIN)
def promote_model(actor: Actor, version: str) -> PolicyVersion:
    """The version becomes the active model, with thresholds recalibrated on its scores."""
    model = ModelVersion.objects.filter(version=version).first()
    if model is None:
        raise NotFound(f"model {version} does not exist")
    try:
        return promote(model, actor.account)
    except (ValueError, ArtifactError) as error:
        raise NotAllowedNow(str(error)) from None


@use_case(
    "policy.backtest",
    N_("backtest selectivity policies"),
    permission="scoring.add_policyversion",
    scope=Scope.ADMIN,
)
def backtest_policy(
    actor: Actor, proposal: Policy, start: datetime, end: datetime
) -> PolicyBacktest:
    """A proposed policy beside the active one over [start, end)."""
    try:
        return backtest_proposed_policy(proposal, start, end)
    except (PolicyError, ValueError) as error:
        raise Invalid(str(error)) from None
