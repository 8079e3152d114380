"""Inspection results: record what the inspection of a selected declaration found; a
supervisor corrects a recorded one. The body's fields and rules are the engine's one schema
of an outcome (portcullis.engine.outcomes)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from portcullis.web.api import bodies
from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.problems import ProblemOut
from portcullis.web.errors import Invalid
from portcullis.web.inspections.models import Inspection
from portcullis.web.usecases import inspections as usecases

router = Router(tags=["inspections"])
_ANSWERS: dict[int, Any] = {
    400: ProblemOut, 401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut,
    422: ProblemOut,
}  # fmt: skip


class CorrectionOut(Schema):
    previous: dict[str, Any]
    reason: str
    by: str | None
    at: datetime


class InspectionOut(Schema):
    declaration_id: str
    finding: bool
    finding_type: str | None
    critical: bool
    additional_duties: Decimal | None
    # What every revenue figure counts for this result: the additional duties, else the
    # declaration's expected duty ("expected_duty"); null when compliant.
    revenue: Decimal | None
    revenue_basis: str | None
    seizure: bool
    inspected_at: datetime | None
    notes: str
    source: str  # "officer", or "imported" with a historical declaration
    recorded_at: datetime
    recorded_by: str | None
    corrections: list[CorrectionOut]  # what it said before each correction, oldest first


def inspection_out(inspection: Inspection, declaration_id: str) -> InspectionOut:
    return InspectionOut(
        declaration_id=declaration_id,
        finding=inspection.finding,
        finding_type=inspection.finding_type or None,
        critical=inspection.critical,
        additional_duties=inspection.additional_duties,
        revenue=inspection.revenue,
        revenue_basis=inspection.revenue_basis or None,
        seizure=inspection.seizure,
        inspected_at=inspection.inspected_at,
        notes=inspection.notes,
        source=inspection.source,
        recorded_at=inspection.recorded_at,
        recorded_by=inspection.recorded_by.get_username() if inspection.recorded_by else None,
        corrections=[
            CorrectionOut(
                previous=c.previous,
                reason=c.reason,
                by=c.by.get_username() if c.by else None,
                at=c.at,
            )
            for c in inspection.corrections.all()
        ],
    )


def _object(request: HttpRequest) -> dict[str, Any]:
    body = bodies.json_body(request)
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object (one inspection result)")
    return body


@router.post(
    "/{declaration_id}/inspection",
    auth=signed_in(usecases.record_outcome),
    response={201: InspectionOut, **_ANSWERS},
    openapi_extra=bodies.OUTCOME,
    summary="Record what the inspection of a selected declaration found",
)
def record(request: HttpRequest, declaration_id: str) -> Status[InspectionOut]:
    """A finding needs its type; a compliant result states no finding details; the time
    inspected is not in the future (default: when it is recorded)."""
    inspection = usecases.record_outcome(actor_of(request), declaration_id, _object(request))
    return Status(201, inspection_out(inspection, declaration_id))


@router.post(
    "/{declaration_id}/inspection/correction",
    auth=signed_in(usecases.correct_outcome),
    response={200: InspectionOut, **_ANSWERS},
    openapi_extra=bodies.body(bodies.correction_schema()),
    summary="Correct a recorded result (a supervisor, with a reason; the original is kept)",
)
def correct(request: HttpRequest, declaration_id: str) -> InspectionOut:
    body = _object(request)
    reason = body.pop("reason", "")
    if not isinstance(reason, str):
        raise Invalid("reason must be text")
    inspection = usecases.correct_outcome(actor_of(request), declaration_id, body, reason)
    return inspection_out(inspection, declaration_id)
