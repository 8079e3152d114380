"""Jobs: start training, a backtest or an import; poll their status and progress."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from portcullis.engine.formats import FORMATS, guess_format
from portcullis.web.api import problems
from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.fields import Body, Day, Flag, Whole
from portcullis.web.api.problems import ProblemOut
from portcullis.web.jobs.models import Job
from portcullis.web.usecases import jobs as usecases
from portcullis.web.usecases import training

router = Router(tags=["jobs"])
_ERRORS: dict[int, Any] = {401: ProblemOut, 403: ProblemOut, 422: ProblemOut}
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
Layout = Literal["kcs", "csv", "json", "parquet"]


class JobOut(Schema):
    id: int
    kind: str
    status: str
    stage: str
    done: int
    total: int | None
    unit: str
    percent: float | None
    parameters: dict[str, Any]
    result: dict[str, Any]
    message: str
    created_at: datetime
    created_by: str | None
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_percent(job: Job) -> float | None:
        return round(100 * job.done / job.total, 1) if job.total else None

    @staticmethod
    def resolve_parameters(job: Job) -> dict[str, Any]:
        return {k: v for k, v in job.parameters.items() if k != "file"}  # a server path

    @staticmethod
    def resolve_created_by(job: Job) -> str | None:
        return job.created_by.get_username() if job.created_by else None


class TrainingIn(Body):
    activate: Flag = Field(False, description="make it the active model and recalibrate the policy")
    max_rounds: Whole | None = Field(None, ge=1, le=5000)


class BacktestIn(Body):
    split: Day = Field(description="train on declarations lodged before, test from this day")
    until: Day | None = Field(None, description="test up to (not including) this day")
    seeds: Whole = Field(1, ge=1, le=5)


@router.post(
    "/training",
    auth=signed_in(training.train),
    response={202: JobOut, **_ERRORS},
    summary="Train a model",
)
def start_training(request: HttpRequest, payload: TrainingIn) -> Status[Job]:
    job = training.train(
        actor_of(request),
        activate=payload.activate,
        max_rounds=payload.max_rounds,
        background=True,
    )
    assert isinstance(job, Job)
    return Status(202, job)


@router.post(
    "/backtest",
    auth=signed_in(usecases.start_backtest),
    response={202: JobOut, **_ERRORS},
    summary="Backtest: train on stored history before a day, measure on what follows",
)
def start_backtest(request: HttpRequest, payload: BacktestIn) -> Status[Job]:
    job = usecases.start_backtest(actor_of(request), payload.split, payload.until, payload.seeds)
    return Status(202, job)


@router.post(
    "/import",
    auth=signed_in(usecases.start_import),
    response={202: JobOut, 413: ProblemOut, **_ERRORS},
    summary="Import a file of declarations (kcs, csv, json or parquet)",
)
def start_import(
    request: HttpRequest, file: File[UploadedFile], format: Form[Layout | None] = None
) -> Status[Job]:
    name = file.name or "upload"
    layout = format or guess_format(Path(name))
    if layout not in FORMATS:
        raise problems.invalid(
            [{"field": "format", "message": f"must be one of {', '.join(FORMATS)}"}]
        )
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise problems.Problem(
            413, "too-large", "Too large", f"files up to {MAX_UPLOAD_BYTES:,} bytes"
        )
    job = usecases.start_import(actor_of(request), name, file.chunks(), layout)
    return Status(202, job)


@router.get(
    "",
    auth=signed_in(usecases.list_jobs),
    response={200: list[JobOut], 401: ProblemOut, 403: ProblemOut},
    summary="Recent jobs of the kinds the caller may start",
)
def list_jobs(request: HttpRequest, limit: Query[int] = 50) -> list[Job]:
    return list(usecases.list_jobs(actor_of(request), limit))


@router.get(
    "/{job_id}",
    auth=signed_in(usecases.read_job),
    response={200: JobOut, 404: ProblemOut, 401: ProblemOut, 403: ProblemOut},
    summary="A job's status and progress",
)
def read(request: HttpRequest, job_id: int) -> Job:
    return usecases.read_job(actor_of(request), job_id)
