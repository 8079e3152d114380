"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API returns has this shape; none carries a stack trace, SQL or a setting.
Unexpected faults are logged with an id, and only the id is returned."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from ninja import Schema

from portcullis.web.database import forget_connection, unavailable
from portcullis.web.errors import DomainError

logger = logging.getLogger("portcullis.api")

PROBLEM_JSON = "application/problem+json"
_TYPES = "https://portcullis.invalid/problems/"  # documented in docs/api.md, "Errors"


class FieldError(Schema):
    field: str
    message: str
    value: str | None = None


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None
    differing_fields: list[str] | None = None
    error_id: str | None = None


@dataclass
class Problem(Exception):
    """An error to answer with: ``kind`` names its type (``conflict``, ``not-found``...)."""

    status: int
    kind: str
    title: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"


def response(request: HttpRequest, problem: Problem) -> HttpResponse:
    body = {
        "type": _TYPES + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
        **problem.extra,
    }
    reply = HttpResponse(json.dumps(body), status=problem.status, content_type=PROBLEM_JSON)
    if problem.status == 401:
        reply["WWW-Authenticate"] = 'Bearer realm="portcullis"'
    if problem.status == 503:
        reply["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return reply


# Each kind of refusal a use case makes, as an HTTP status: the one place that says so.
STATUS = {
    "not-found": 404,
    "forbidden": 403,
    "invalid": 422,
    "conflict": 409,
    "workflow": 409,
    "under-control": 409,
    "cannot-replay": 409,
    "too-costly": 422,
    "unavailable": 503,
}
RETRY_AFTER_SECONDS = 30


def from_domain(error: DomainError) -> Problem:
    extra = dict(error.extra)
    if error.problems:
        extra["errors"] = [
            {"field": p.field, "message": p.message, "value": p.value} for p in error.problems
        ]
    return Problem(STATUS.get(error.kind, 400), error.kind, error.title, error.detail, extra)


def not_found(what: str) -> Problem:
    return Problem(404, "not-found", "Not found", f"{what} does not exist")


def invalid(
    errors: list[dict[str, Any]], detail: str = "the request has invalid fields"
) -> Problem:
    return Problem(422, "invalid", "Invalid request", detail, {"errors": errors})


def conflict(detail: str, **extra: Any) -> Problem:
    return Problem(409, "conflict", "Conflict", detail, extra)


def unexpected(request: HttpRequest, error: Exception) -> Problem:
    error_id = uuid.uuid4().hex[:12]
    # The log gets the traceback; the caller gets only the id to quote.
    logger.error(
        "unexpected error %s on %s %s", error_id, request.method, request.path, exc_info=error
    )
    return Problem(
        500,
        "internal",
        "Internal error",
        f"the request could not be completed; quote error id {error_id} to the administrators",
        {"error_id": error_id},
    )


def fault(request: HttpRequest, error: BaseException | None) -> Problem:
    """A fault no operation handled: 503 when the database cannot be reached or written
    (safe to retry), else an internal error with the id of its logged traceback."""
    if isinstance(error, DatabaseError) and unavailable(error):
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        logger.error("database unavailable on %s %s: %s", request.method, request.path, first)
        forget_connection()
        detail = "the database cannot be reached or written just now; nothing was changed: retry"
        return Problem(503, "unavailable", "Service unavailable", detail)
    return unexpected(request, error if isinstance(error, Exception) else RuntimeError())
