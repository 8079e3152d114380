"""Liveness and readiness, for load balancers and orchestrators. No authentication, and
nothing in the answers an outsider could use: which model is active, and why the service is
not ready, are told to signed-in callers only (the log has them too)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from portcullis.web.api.auth import signed_in
from portcullis.web.scoring.readiness import readiness

router = Router(tags=["health"])
logger = logging.getLogger("portcullis.api")


class HealthOut(Schema):
    status: str


class ReadyOut(Schema):
    ready: bool
    database: bool
    writable: bool
    model: bool
    model_version: str | None = None  # signed-in callers only
    problems: list[str]  # signed-in callers only; anonymous ones get []


@router.get("/health", response=HealthOut, auth=None, summary="The process is up")
def health(request: HttpRequest) -> HealthOut:
    return HealthOut(status="ok")


def _known(request: HttpRequest) -> bool:
    """Whether the caller is signed in or holds a live token (any scope)."""
    for auth in signed_in():
        try:
            if auth(request):
                return True
        except Exception:  # noqa: S112  # an unusable credential is simply not known
            continue
    return False


@router.get(
    "/ready",
    response={200: ReadyOut, 503: ReadyOut},
    auth=None,
    summary="Ready to assess: the database answers and takes writes, the model's files are intact",
)
def ready(request: HttpRequest, response: HttpResponse) -> Status[ReadyOut]:
    found = readiness()
    if found.problems:
        logger.warning("not ready: %s", "; ".join(found.problems))
    known = _known(request)
    reply = Status(
        200 if found.ready else 503,
        ReadyOut(
            ready=found.ready,
            database=found.database,
            writable=found.writable,
            model=found.model,
            model_version=found.model_version if known else None,
            problems=found.problems if known else [],
        ),
    )
    if not found.ready:
        response["Retry-After"] = "30"
    return reply
