"""Declarations: submit one or a batch, amend, read with decisions and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema, Status

from portcullis.engine.validation import FieldProblem
from portcullis.web.accounts.scopes import Scope
from portcullis.web.api import bodies, problems
from portcullis.web.api.auth import principal_of, scoped
from portcullis.web.api.problems import FieldError, ProblemOut
from portcullis.web.api.routers.inspections import InspectionOut, inspection_out
from portcullis.web.api.schemas import DecisionOut, decision_out
from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.services.stored import stored_declaration
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.services.amending import NotStored, amend
from portcullis.web.scoring.services.submitting import (
    MAX_BATCH,
    Submitted,
    submit,
    submit_batch,
)
from portcullis.web.scoring.services.submitting import Status as Outcome

router = Router(tags=["declarations"])

_ERRORS: dict[int, Any] = {401: ProblemOut, 403: ProblemOut, 422: ProblemOut, 400: ProblemOut}


class SubmissionOut(Schema):
    declaration_id: str
    status: Literal["assessed", "unchanged"]
    decision: DecisionOut


class BatchResultOut(Schema):
    index: int
    declaration_id: str | None
    status: Literal["assessed", "unchanged", "conflict", "rejected"]
    decision_id: int | None = None
    channel: str | None = None
    reason: str | None = None
    errors: list[FieldError] | None = None
    differing_fields: list[str] | None = None


class BatchOut(Schema):
    batch_id: int
    received: int
    assessed: int
    unchanged: int
    conflicts: int
    rejected: int
    results: list[BatchResultOut]


class RevisionOut(Schema):
    version: int
    content: dict[str, Any]
    received_at: datetime
    replaced_at: datetime


class DeclarationOut(Schema):
    declaration_id: str
    version: int
    received_at: datetime
    source: str
    content: dict[str, Any]
    decision: DecisionOut | None
    decisions: list[DecisionOut]  # newest first
    revisions: list[RevisionOut]  # earlier versions, oldest first
    inspection: InspectionOut | None


def _errors(found: list[FieldProblem]) -> list[dict[str, Any]]:
    return [{"field": p.field, "message": p.message, "value": p.value} for p in found]


def _single(result: Submitted) -> Status[SubmissionOut]:
    if result.status is Outcome.REJECTED:
        raise problems.invalid(_errors(result.problems), "the declaration is invalid")
    if result.status is Outcome.CONFLICT:
        raise problems.conflict(
            f"another declaration is stored under {result.declaration_id}: to change it, "
            f"amend it with PUT /api/v1/declarations/{result.declaration_id}",
            differing_fields=list(result.differing_fields),
        )
    assert result.decision is not None
    assert result.declaration_id is not None
    return Status(
        201 if result.status is Outcome.ASSESSED else 200,
        SubmissionOut(
            declaration_id=result.declaration_id,
            status=result.status.value,  # type: ignore[arg-type]
            decision=decision_out(result.decision, result.declaration_id),
        ),
    )


@router.post(
    "",
    auth=scoped(Scope.SUBMIT),
    response={200: SubmissionOut, 201: SubmissionOut, 409: ProblemOut, **_ERRORS},
    openapi_extra=bodies.DECLARATION,
    summary="Submit a declaration: assessed at once, its decision returned",
)
def submit_one(request: HttpRequest) -> Status[SubmissionOut]:
    """201 with a new decision; 200 with the original decision when the same declaration
    was submitted before (nothing is assessed twice); 409 naming the differing fields when
    a different declaration is stored under the same id."""
    (result,) = submit([bodies.json_body(request)], principal_of(request).user)
    return _single(result)


@router.post(
    "/batch",
    auth=scoped(Scope.SUBMIT),
    response={200: BatchOut, **_ERRORS},
    openapi_extra=bodies.body(
        {
            "type": "object",
            "required": ["declarations"],
            "properties": {
                "declarations": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_BATCH,
                    "items": {"$ref": "#/components/schemas/DeclarationIn"},
                }
            },
        }
    ),
    summary=f"Submit up to {MAX_BATCH:,} declarations; a result for each",
)
def submit_many(request: HttpRequest) -> BatchOut:
    """Each record is validated on its own: an invalid one is rejected with its field paths
    and never stops the others. Results come in the order sent."""
    data = bodies.json_body(request)
    records = data.get("declarations") if isinstance(data, dict) else None
    if not isinstance(records, list) or not records:
        raise problems.invalid(
            [{"field": "declarations", "message": "must be a non-empty list of declarations"}]
        )
    if len(records) > MAX_BATCH:
        raise problems.invalid(
            [
                {
                    "field": "declarations",
                    "message": f"has {len(records):,} entries; at most {MAX_BATCH:,}",
                }
            ]
        )
    principal = principal_of(request)
    batch, results = submit_batch(records, principal.user, f"api: {principal.name}")
    return BatchOut(
        batch_id=batch.pk,
        received=batch.records,
        assessed=batch.stored,
        unchanged=batch.unchanged,
        conflicts=batch.conflicts,
        rejected=batch.rejected,
        results=[_batch_result(r) for r in results],
    )


def _batch_result(result: Submitted) -> BatchResultOut:
    decision = result.decision
    return BatchResultOut(
        index=result.index,
        declaration_id=result.declaration_id,
        status=result.status.value,  # type: ignore[arg-type]
        decision_id=decision.pk if decision else None,
        channel=decision.channel if decision else None,
        reason=decision.reason if decision else None,
        errors=[FieldError(**e) for e in _errors(result.problems)] if result.problems else None,
        differing_fields=list(result.differing_fields) or None
        if result.status is Outcome.CONFLICT
        else None,
    )


@router.put(
    "/{declaration_id}",
    auth=scoped(Scope.SUBMIT),
    response={200: SubmissionOut, 201: SubmissionOut, 404: ProblemOut, **_ERRORS},
    openapi_extra=bodies.DECLARATION,
    summary="Amend a declaration: a new version, reassessed; earlier versions are kept",
)
def amend_one(request: HttpRequest, declaration_id: str) -> Status[SubmissionOut]:
    try:
        result = amend(declaration_id, bodies.json_body(request), principal_of(request).user)
    except NotStored:
        raise problems.not_found(f"declaration {declaration_id}") from None
    return _single(result)


@router.get(
    "/{declaration_id}",
    auth=scoped(Scope.READ),
    response={200: DeclarationOut, 404: ProblemOut, 401: ProblemOut, 403: ProblemOut},
    summary="A declaration with its decisions, earlier versions and inspection",
)
def read(request: HttpRequest, declaration_id: str) -> DeclarationOut:
    row = (
        Declaration.objects.filter(declaration_id=declaration_id)
        .prefetch_related(
            Prefetch(
                "decisions",
                Decision.objects.order_by("-assessed_at", "-id").prefetch_related("profile_hits"),
            ),
            "revisions",
        )
        .first()
    )
    if row is None:
        raise problems.not_found(f"declaration {declaration_id}")
    decisions = [decision_out(d, row.declaration_id) for d in row.decisions.all()]
    inspection = (
        Inspection.objects.select_related("declaration", "recorded_by")
        .filter(declaration=row)
        .first()
    )
    return DeclarationOut(
        declaration_id=row.declaration_id,
        version=row.version,
        received_at=row.received_at,
        source=row.source,
        content=stored_declaration(row.pk).model_dump(mode="json", exclude={"outcome"}),
        decision=decisions[0] if decisions else None,
        decisions=decisions,
        revisions=[
            RevisionOut(
                version=r.version,
                content=r.content,
                received_at=r.received_at,
                replaced_at=r.replaced_at,
            )
            for r in row.revisions.all()
        ],
        inspection=inspection_out(inspection) if inspection is not None else None,
    )
