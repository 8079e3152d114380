"""Work run in the background by `portcullis worker`: a use case that takes long (training,
retraining, a drift check, a backtest, importing an uploaded file) queues a job once its
rule has let the actor through; the job then runs as that person, reporting its stage and
progress on its row, and ends succeeded with a result or failed with a reason in words."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_noop as N_
from django_tasks import task

from portcullis.engine.evaluate import EvaluationError, evaluate
from portcullis.engine.model.challenge import ChallengeError
from portcullis.engine.model.training import TrainingError, TrainingSettings
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.errors import DomainError, Invalid, NotFound
from portcullis.web.jobs.models import Job
from portcullis.web.jobs.progress import Reporter, finish, uploads_dir
from portcullis.web.scoring.drift import DriftError, check_drift
from portcullis.web.scoring.history_copy import all_items
from portcullis.web.scoring.retraining import HOLDOUT_DAYS, retrain
from portcullis.web.scoring.training import train_from_history
from portcullis.web.usecases.access import USE_CASES, use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.importing import import_file

logger = logging.getLogger(__name__)

# Who may read (and start) each kind of job: the rule of the use case that starts it.
_STARTED_BY = {
    Job.Kind.TRAINING: "model.train",
    Job.Kind.RETRAINING: "model.retrain",
    Job.Kind.DRIFT: "model.drift",
    Job.Kind.BACKTEST: "model.backtest",
    Job.Kind.IMPORT: "declaration.import_upload",
}


class JobError(ValueError):
    """The job cannot finish; the message says why."""


def queue(kind: Job.Kind, parameters: dict[str, Any], actor: Actor) -> Job:
    """Queue a job for the use case that has just let ``actor`` through (it runs once this
    transaction commits)."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=parameters, created_by=actor.account)
        record(
            actor.account,
            f"job.{kind}",
            job,
            f"started job {job.pk}: {job.get_kind_display().lower()}",
            **actor.audit_details(),
        )
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> None:
    run(job_id)


def run(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return  # already run (a task delivered twice)
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    reporter = Reporter(job)
    try:
        result = _RUNNERS[job.kind](job, reporter)
    except (
        JobError,
        EvaluationError,
        ChallengeError,
        TrainingError,
        DomainError,
        ValueError,
    ) as error:
        finish(job, Job.Status.FAILED, message=str(error))
    except Exception as error:
        logger.exception("job %s failed", job.pk)
        finish(
            job,
            Job.Status.FAILED,
            message=f"unexpected error ({type(error).__name__}); see the log",
        )
    else:
        finish(job, Job.Status.SUCCEEDED, result=result)


def _training_settings(job: Job) -> TrainingSettings | None:
    rounds = job.parameters.get("max_rounds")
    return TrainingSettings(max_rounds=int(rounds)) if rounds else None


def _training(job: Job, reporter: Reporter) -> dict[str, Any]:
    reporter.stage("reading the history and training")
    trained = train_from_history(
        job.created_by,
        activate=bool(job.parameters.get("activate", False)),
        settings=_training_settings(job),
    )
    return {
        "model_version": trained.model.version,
        "activated": trained.policy is not None,
        "policy_version": trained.policy.version if trained.policy else None,
        "items": trained.items,
        "findings": trained.findings,
        "validation": trained.model.metadata.get("validation", {}),
    }


def _retraining(job: Job, reporter: Reporter) -> dict[str, Any]:
    reporter.stage("training a challenger and comparing it with the active model")
    history = all_items()  # read once for the training, the comparison and the drift check
    result = retrain(
        job.created_by,
        holdout_days=int(job.parameters.get("holdout_days", HOLDOUT_DAYS)),
        settings=_training_settings(job),
        history=history,
    )
    reporter.stage("checking the active model for drift")
    try:
        drift = check_drift(job.created_by, history=history).report
    except DriftError as error:  # the retraining stands; the check says why it could not run
        drift = {"not_checked": str(error)}
    return {
        "model_version": result.challenger.version,
        "promoted": result.promoted,
        "verdict": result.verdict.to_dict(),
        "drift": drift,
    }


def _drift(job: Job, reporter: Reporter) -> dict[str, Any]:
    reporter.stage("building the latest declarations' features and comparing")
    check = check_drift(job.created_by, days=job.parameters.get("days"))
    return {"check": check.pk, "model_version": check.model_version.version, **check.report}


def _backtest(job: Job, reporter: Reporter) -> dict[str, Any]:
    split = _day_start(job.parameters["split"])
    until = job.parameters.get("until")
    reporter.stage("reading the history")
    history = all_items()
    train = history.filter(pl.col("lodged_at") < split)
    test = history.filter(pl.col("lodged_at") >= split)
    if until:
        test = test.filter(pl.col("lodged_at") < _day_start(until))
    if train.height == 0 or test.height == 0:
        raise JobError(
            f"the split {split:%Y-%m-%d} leaves {train.height:,} items to train on and "
            f"{test.height:,} to test: both need some"
        )
    reporter.stage("training and scoring")
    evaluation = evaluate([train], test, seeds=int(job.parameters.get("seeds", 1)))
    return evaluation.summary()


def _day_start(day: str) -> datetime:
    """The start of ``day`` (ISO date) in the installation's time zone."""
    return datetime.combine(date.fromisoformat(day), time(), ZoneInfo(settings.TIME_ZONE))


def _import(job: Job, reporter: Reporter) -> dict[str, Any]:
    path = uploads_dir() / job.parameters["file"]
    reporter.stage(f"importing {job.parameters.get('name', path.name)}", unit="B")
    lines: list[str] = []
    # Its rule let the person through when the job was queued (start_import).
    imported = import_file.function(
        Actor.person(job.created_by) if job.created_by else Actor.system(),
        path,
        job.parameters["format"],
        progress=reporter.progress,
        report=lambda line: lines.append(line) if len(lines) < 100 else None,
    )
    path.unlink(missing_ok=True)
    if imported.failed:
        raise JobError(imported.batch.message)
    batch = imported.batch
    return {
        "batch_id": batch.pk,
        "records": batch.records,
        "stored": batch.stored,
        "unchanged": batch.unchanged,
        "conflicts": batch.conflicts,
        "rejected": batch.rejected,
        "first_problems": lines[:20],
    }


_RUNNERS: dict[str, Callable[[Job, Reporter], dict[str, Any]]] = {
    Job.Kind.TRAINING: _training,
    Job.Kind.RETRAINING: _retraining,
    Job.Kind.DRIFT: _drift,
    Job.Kind.BACKTEST: _backtest,
    Job.Kind.IMPORT: _import,
}


MODEL_JOBS = (Job.Kind.TRAINING, Job.Kind.RETRAINING, Job.Kind.DRIFT)


def _kinds(actor: Actor) -> list[str]:
    """The kinds of job the actor may start, and (whoever sees the models) the model's."""
    sees_models = actor.holds("scoring.view_modelversion") or actor.unrestricted
    return [
        kind
        for kind, name in _STARTED_BY.items()
        if USE_CASES[name].allows(actor) or (sees_models and kind in MODEL_JOBS)
    ]


@use_case(
    "job.list",
    N_("follow background jobs"),
    permission=("scoring.view_modelversion", "declarations.add_declaration"),
    scope=Scope.READ,
)
def list_jobs(actor: Actor, limit: int = 50) -> QuerySet[Job]:
    """Recent jobs of the kinds the actor may start."""
    limit = min(max(limit, 1), 500)
    jobs = Job.objects.select_related("created_by").filter(kind__in=_kinds(actor))
    return jobs[:limit]


@use_case(
    "job.read",
    N_("follow background jobs"),
    permission=("scoring.view_modelversion", "declarations.add_declaration"),
    scope=Scope.READ,
)
def read_job(actor: Actor, pk: int, kinds: tuple[str, ...] = ()) -> Job:
    allowed = [kind for kind in _kinds(actor) if not kinds or kind in kinds]
    job = Job.objects.select_related("created_by").filter(pk=pk, kind__in=allowed).first()
    if job is None:
        raise NotFound(f"job {pk} does not exist")
    return job


@use_case(
    "model.backtest",
    N_("backtest the model on stored history"),
    permission="profiles.change_profile",
    scope=Scope.PROFILES,
)
def start_backtest(actor: Actor, split: date, until: date | None = None, seeds: int = 1) -> Job:
    """Train on the declarations lodged before ``split``, measure on what follows."""
    if until is not None and until <= split:
        raise Invalid("until must come after split")
    parameters = {
        "split": split.isoformat(),
        "until": until.isoformat() if until else None,
        "seeds": seeds,
    }
    return queue(Job.Kind.BACKTEST, parameters, actor)


@use_case(
    "declaration.import_upload",
    N_("import files of declarations"),
    permission="declarations.add_declaration",
    scope=Scope.SUBMIT,
)
def start_import(actor: Actor, name: str, chunks: Iterable[bytes], fmt: str) -> Job:
    """An uploaded file, written to the data directory as it comes, imported by a job."""
    path = uploads_dir() / f"{uuid.uuid4().hex[:12]}-{get_valid_filename(name)[-100:]}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return queue(Job.Kind.IMPORT, {"format": fmt, "file": path.name, "name": name}, actor)
