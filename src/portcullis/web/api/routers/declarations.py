"""Declarations: submit one or a batch, amend, read with decisions and history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from portcullis.engine.validation import FieldProblem
from portcullis.web.api import bodies, problems
from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.fields import Body, Text
from portcullis.web.api.problems import FieldError, ProblemOut
from portcullis.web.api.routers.inspections import InspectionOut, inspection_out
from portcullis.web.api.schemas import DecisionOut, answer, decision_data, decision_out
from portcullis.web.declarations.stored import stored_declaration
from portcullis.web.usecases import declarations as usecases
from portcullis.web.usecases.declarations import MAX_BATCH, Submitted
from portcullis.web.usecases.declarations import Status as Outcome

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


def _errors(found: list[FieldProblem], name: Callable[[str], str] = str) -> list[dict[str, Any]]:
    return [{"field": name(p.field), "message": p.message, "value": p.value} for p in found]


def _single(result: Submitted, name: Callable[[str], str] = str) -> HttpResponse:
    if result.status is Outcome.REJECTED:
        raise problems.invalid(_errors(result.problems, name), "the declaration is invalid")
    if result.status is Outcome.CONFLICT:
        raise problems.conflict(
            f"another declaration is stored under {result.declaration_id}: to change it, "
            f"amend it with PUT /api/v1/declarations/{result.declaration_id}",
            differing_fields=list(result.differing_fields),
        )
    assert result.decision is not None
    assert result.declaration_id is not None
    # A SubmissionOut as plain values, rendered as the API renders every answer: the
    # submission's hot path builds no schema objects (schemas.decision_data).
    return answer(
        {
            "declaration_id": result.declaration_id,
            "status": result.status.value,
            "decision": decision_data(result.decision, result.declaration_id),
        },
        201 if result.status is Outcome.ASSESSED else 200,
    )


@router.post(
    "",
    auth=signed_in(usecases.submit),
    response={200: SubmissionOut, 201: SubmissionOut, 409: ProblemOut, 413: ProblemOut, **_ERRORS},
    openapi_extra=bodies.DECLARATION,
    summary="Submit a declaration: assessed at once, its decision returned",
)
def submit_one(request: HttpRequest) -> HttpResponse:
    """201 with a new decision; 200 with the original decision when the same declaration
    was submitted before (nothing is assessed twice); 409 naming the differing fields when
    a different declaration is stored under the same id. A WCO DEC-DMS message
    (``Content-Type: application/xml``) is read as ``portcullis import`` reads one."""
    sent = bodies.declaration_body(request)
    (result,) = usecases.submit(actor_of(request), [sent.raw])
    return _single(result, sent.name)


@router.post(
    "/batch",
    auth=signed_in(usecases.submit_batch),
    response={200: BatchOut, 413: ProblemOut, **_ERRORS},
    openapi_extra=bodies.body(
        {
            "type": "object",
            "required": ["declarations"],
            "properties": {
                "declarations": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_BATCH,
                    "description": "declarations (DeclarationIn), each checked on its own: one "
                    "that is not a declaration is a result 'rejected' naming why, never a "
                    "refusal of the batch",
                    "items": {},
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
    actor = actor_of(request)
    name = actor.token.name if actor.token else actor.account
    batch, results = usecases.submit_batch(actor, records, f"api: {name}")
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
        status=result.status.value,  # type: ignore[arg-type,unused-ignore]
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
    auth=signed_in(usecases.amend),
    response={
        200: SubmissionOut,
        201: SubmissionOut,
        404: ProblemOut,
        409: ProblemOut,
        413: ProblemOut,
        **_ERRORS,
    },
    openapi_extra=bodies.DECLARATION,
    summary="Amend a declaration: a new version, reassessed; earlier versions are kept",
)
def amend_one(request: HttpRequest, declaration_id: str) -> HttpResponse:
    """409 ``under-control`` while customs controls the declaration (selected, taken by an
    officer or inspected): an officer may authorise one amendment, which is then reassessed
    and keeps the stricter channel. After release, a new version that would have been
    stopped is checked after release (BLUE)."""
    sent = bodies.declaration_body(request)
    result = usecases.amend(actor_of(request), declaration_id, sent.raw)
    return _single(result, sent.name)


class AuthorisationIn(Body):
    reason: Text = Field(min_length=15, max_length=2000)


class AuthorisationOut(Schema):
    declaration_id: str
    reason: str
    by: str
    at: datetime


@router.post(
    "/{declaration_id}/amendment-authorisation",
    auth=signed_in(usecases.authorise_amendment),
    response={201: AuthorisationOut, 404: ProblemOut, 409: ProblemOut, **_ERRORS},
    summary="An officer lets the declarant amend a declaration under control, once",
)
def authorise(
    request: HttpRequest, declaration_id: str, payload: AuthorisationIn
) -> Status[AuthorisationOut]:
    made = usecases.authorise_amendment(actor_of(request), declaration_id, payload.reason)
    return Status(
        201,
        AuthorisationOut(
            declaration_id=declaration_id,
            reason=made.reason,
            by=made.by.get_username() if made.by else "the operator",
            at=made.at,
        ),
    )


@router.get(
    "/{declaration_id}",
    auth=signed_in(usecases.read_declaration),
    response={200: DeclarationOut, 404: ProblemOut, 401: ProblemOut, 403: ProblemOut},
    summary="A declaration with its decisions, earlier versions and inspection",
)
def read(request: HttpRequest, declaration_id: str) -> DeclarationOut:
    page = usecases.read_declaration(actor_of(request), declaration_id)
    row = page.declaration
    decisions = [decision_out(d, row.declaration_id) for d in page.decisions]
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
            for r in page.revisions
        ],
        inspection=inspection_out(page.inspection, row.declaration_id)
        if page.inspection is not None
        else None,
    )
