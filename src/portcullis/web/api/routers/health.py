"""Liveness and readiness, for load balancers and orchestrators (no authentication, and
nothing in the answers that an outsider could use)."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest
from ninja import Router, Schema, Status

from portcullis.web.scoring.services.engine import load_active_model

router = Router(tags=["health"])


class HealthOut(Schema):
    status: str


class ReadyOut(Schema):
    ready: bool
    database: bool
    model: bool
    model_version: str | None = None
    problems: list[str]


@router.get("/health", response=HealthOut, auth=None, summary="The process is up")
def health(request: HttpRequest) -> HealthOut:
    return HealthOut(status="ok")


@router.get(
    "/ready",
    response={200: ReadyOut, 503: ReadyOut},
    auth=None,
    summary="Ready to assess: the database answers and the active model loads",
)
def ready(request: HttpRequest) -> Status[ReadyOut]:
    found: list[str] = []
    database = model_loaded = False
    version = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = True
    except DatabaseError:
        found.append("the database cannot be reached")
    if database:
        model_version, model, problem = load_active_model()
        version = model_version.version if model_version else None
        model_loaded = model is not None
        if model_version is None:
            found.append("no model is active: every declaration would be held for a check")
        elif problem:
            found.append(f"the active model {version} cannot be loaded")
    is_ready = database and model_loaded
    return Status(
        200 if is_ready else 503,
        ReadyOut(
            ready=is_ready,
            database=database,
            model=model_loaded,
            model_version=version,
            problems=found,
        ),
    )
