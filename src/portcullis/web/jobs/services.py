"""Starting jobs and running them: each reports its stage and progress on its row, so the
API (and the pages) can show a progress indicator, and ends succeeded with a result or failed
with a reason in words."""

from __future__ import annotations

import logging
import time as clock
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from portcullis.engine.evaluate import EvaluationError, evaluate
from portcullis.engine.model.challenge import ChallengeError
from portcullis.engine.model.training import TrainingSettings
from portcullis.web.audit.services import record
from portcullis.web.declarations.services.importing import import_file
from portcullis.web.jobs.models import Job
from portcullis.web.jobs.tasks import run_job
from portcullis.web.scoring.services.drift import DriftError, check_drift
from portcullis.web.scoring.services.history_copy import all_items
from portcullis.web.scoring.services.retraining import HOLDOUT_DAYS, retrain
from portcullis.web.scoring.services.training import train_from_history

logger = logging.getLogger(__name__)
_PROGRESS_EVERY = 0.5  # seconds between progress writes


class JobError(ValueError):
    """The job cannot start or cannot finish; the message says why."""


def uploads_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start(
    kind: Job.Kind,
    parameters: dict[str, Any],
    user: AbstractBaseUser | None,
    upload: tuple[str, Iterable[bytes]] | None = None,
) -> Job:
    """Queue a job (it runs once this transaction commits). ``upload``: (name, chunks of
    its content) of the file an import reads, written to disk as it comes."""
    if upload is not None:
        name, chunks = upload
        path = uploads_dir() / f"{uuid.uuid4().hex[:12]}-{get_valid_filename(name)[-100:]}"
        with path.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        parameters = {**parameters, "file": path.name, "name": name}
    with transaction.atomic():
        job = Job.objects.create(kind=kind, parameters=parameters, created_by=user)
        record(user, f"job.{kind}", job, f"started job {job.pk}: {job.get_kind_display().lower()}")
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


class _Reporter:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = 0.0

    def stage(self, text: str, unit: str = "") -> None:
        self.job.stage, self.job.unit, self.job.done, self.job.total = text, unit, 0, None
        self._save()

    def progress(self, done: int, total: int) -> None:
        self.job.done, self.job.total = done, total
        now = clock.monotonic()
        if now - self.last >= _PROGRESS_EVERY or done >= total:
            self._save()

    def _save(self) -> None:
        self.last = clock.monotonic()
        Job.objects.filter(pk=self.job.pk).update(
            stage=self.job.stage, unit=self.job.unit, done=self.job.done, total=self.job.total
        )


def run(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return  # already run (a task delivered twice)
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    reporter = _Reporter(job)
    try:
        result = _RUNNERS[job.kind](job, reporter)
    except (JobError, EvaluationError, ChallengeError, ValueError) as error:
        _finish(job, Job.Status.FAILED, message=str(error))
    except Exception as error:
        logger.exception("job %s failed", job.pk)
        _finish(
            job,
            Job.Status.FAILED,
            message=f"unexpected error ({type(error).__name__}); see the log",
        )
    else:
        _finish(job, Job.Status.SUCCEEDED, result=result)


def _finish(
    job: Job, status: str, *, message: str = "", result: dict[str, Any] | None = None
) -> None:
    job.status, job.message, job.result = status, message[:2000], result or {}
    job.finished_at = timezone.now()
    job.stage = "done" if status == Job.Status.SUCCEEDED else "failed"
    job.save(update_fields=["status", "message", "result", "finished_at", "stage"])


def _training_settings(job: Job) -> TrainingSettings | None:
    rounds = job.parameters.get("max_rounds")
    return TrainingSettings(max_rounds=int(rounds)) if rounds else None


def _training(job: Job, reporter: _Reporter) -> dict[str, Any]:
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


def _retraining(job: Job, reporter: _Reporter) -> dict[str, Any]:
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


def _drift(job: Job, reporter: _Reporter) -> dict[str, Any]:
    reporter.stage("building the latest declarations' features and comparing")
    check = check_drift(job.created_by, days=job.parameters.get("days"))
    return {"check": check.pk, "model_version": check.model_version.version, **check.report}


def _backtest(job: Job, reporter: _Reporter) -> dict[str, Any]:
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


def _import(job: Job, reporter: _Reporter) -> dict[str, Any]:
    path = uploads_dir() / job.parameters["file"]
    reporter.stage(f"importing {job.parameters.get('name', path.name)}", unit="B")
    lines: list[str] = []
    imported = import_file(
        path,
        job.parameters["format"],
        user=job.created_by,
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


_RUNNERS: dict[str, Callable[[Job, _Reporter], dict[str, Any]]] = {
    Job.Kind.TRAINING: _training,
    Job.Kind.RETRAINING: _retraining,
    Job.Kind.DRIFT: _drift,
    Job.Kind.BACKTEST: _backtest,
    Job.Kind.IMPORT: _import,
}
