"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API returns has this shape; none carries a stack trace, SQL or a setting.
Unexpected faults are logged with an id, and only the id is returned."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

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
    return reply


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
