"""Decisions: read one, replay one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from portcullis.web.accounts.scopes import Scope
from portcullis.web.api import problems
from portcullis.web.api.auth import scoped
from portcullis.web.api.problems import Problem, ProblemOut
from portcullis.web.api.schemas import DecisionOut, decision_out
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.services.replaying import ReplayError, replay

router = Router(tags=["decisions"])
_ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut}


class ReplayOut(Schema):
    decision_id: int
    same: bool
    channel: str
    reason: str
    risk_score: float | None
    original: DecisionOut


def _decision(decision_id: int) -> Decision:
    decision = Decision.objects.select_related("declaration").filter(pk=decision_id).first()
    if decision is None:
        raise problems.not_found(f"decision {decision_id}")
    return decision


@router.get(
    "/{decision_id}",
    auth=scoped(Scope.READ),
    response={200: DecisionOut, **_ERRORS},
    summary="A decision with its reasons",
)
def read(request: HttpRequest, decision_id: int) -> DecisionOut:
    decision = _decision(decision_id)
    return decision_out(decision, decision.declaration.declaration_id)


@router.post(
    "/{decision_id}/replay",
    auth=scoped(Scope.READ),
    response={200: ReplayOut, 409: ProblemOut, **_ERRORS},
    summary="Replay a decision with the inputs and versions it was made with",
)
def replay_one(request: HttpRequest, decision_id: int) -> ReplayOut:
    decision = _decision(decision_id)
    try:
        result = replay(decision)
    except ReplayError as error:
        raise Problem(409, "cannot-replay", "Cannot replay", str(error)) from None
    return ReplayOut(
        decision_id=decision.pk,
        same=result.same,
        channel=result.channel,
        reason=result.reason,
        risk_score=result.risk_score,
        original=decision_out(decision, decision.declaration.declaration_id),
    )
