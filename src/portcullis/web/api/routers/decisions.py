"""Decisions: read one, replay one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.problems import ProblemOut
from portcullis.web.api.schemas import DecisionOut, decision_out
from portcullis.web.usecases import decisions as usecases

router = Router(tags=["decisions"])
_ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut}


class ReplayOut(Schema):
    decision_id: int
    same: bool
    channel: str
    reason: str
    risk_score: float | None
    original: DecisionOut


@router.get(
    "/{decision_id}",
    auth=signed_in(usecases.read_decision),
    response={200: DecisionOut, **_ERRORS},
    summary="A decision with its reasons",
)
def read(request: HttpRequest, decision_id: int) -> DecisionOut:
    decision = usecases.read_decision(actor_of(request), decision_id)
    return decision_out(decision, decision.declaration.declaration_id)


@router.post(
    "/{decision_id}/replay",
    auth=signed_in(usecases.replay_decision),
    response={200: ReplayOut, 409: ProblemOut, **_ERRORS},
    summary="Replay a decision with the inputs and versions it was made with",
)
def replay_one(request: HttpRequest, decision_id: int) -> ReplayOut:
    result = usecases.replay_decision(actor_of(request), decision_id)
    decision = result.decision
    return ReplayOut(
        decision_id=decision.pk,
        same=result.same,
        channel=result.channel,
        reason=result.reason,
        risk_score=result.risk_score,
        original=decision_out(decision, decision.declaration.declaration_id),
    )
