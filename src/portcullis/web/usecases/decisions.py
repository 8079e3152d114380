"""Decisions: read one with its reasons, replay one, override one's channel."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N_

from portcullis.engine.channels import Channel
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.errors import CannotReplay, Invalid, NotAllowedNow, NotFound
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring.models import Decision, Override
from portcullis.web.scoring.overrides import apply_override
from portcullis.web.scoring.queries import latest_decisions
from portcullis.web.scoring.replaying import Replay, ReplayError, replay
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.reasons import MIN_LENGTH, written_reason
from portcullis.web.usecases.transactions import atomic

MIN_JUSTIFICATION = MIN_LENGTH


def _decisions(actor: Actor) -> QuerySet[Decision]:
    return Decision.objects.filter(actor.reach.q("declaration__"))


def _reachable(actor: Actor, pk: int, *, lock: bool = False) -> Decision:
    rows = _decisions(actor).select_related(
        "declaration__office", "model_version", "policy_version", "profile_set"
    )
    decision = (rows.select_for_update(of=("self",)) if lock else rows).filter(pk=pk).first()
    if decision is None:
        raise NotFound(f"decision {pk} does not exist")
    return decision


@use_case(
    "decision.read", N_("read decisions"), permission="scoring.view_decision", scope=Scope.READ
)
def read_decision(actor: Actor, pk: int) -> Decision:
    return _reachable(actor, pk)


@use_case(
    "decision.replay", N_("replay decisions"), permission="scoring.view_decision", scope=Scope.READ
)
def replay_decision(actor: Actor, pk: int) -> Replay:
    """The decision made again from the inputs and versions it recorded."""
    decision = _reachable(actor, pk)
    try:
        return replay(decision)
    except ReplayError as error:
        raise CannotReplay(str(error)) from None


@use_case(
    "decision.override",
    N_("override the channel of a decision"),
    permission="scoring.override_decision",
)
def override_decision(actor: Actor, pk: int, channel: Channel, justification: str) -> Override:
    """Another channel on the latest decision of a declaration, before any outcome is
    recorded, once, with a justification kept in the audit trail."""
    justification = written_reason(justification, "justification")

    def work() -> Override:
        decision = _reachable(actor, pk, lock=True)
        if channel.value == decision.channel:
            raise Invalid(f"the decision already gave {channel.value}")
        declaration = decision.declaration
        latest = latest_decisions([declaration.pk]).get(declaration.pk)
        if latest is None or latest.pk != decision.pk:
            raise NotAllowedNow.worded(
                N_("only the latest decision on a declaration can be overridden")
            )
        if Inspection.objects.filter(declaration=declaration).exists():
            raise NotAllowedNow.worded(N_("an inspection outcome is already recorded"))
        existing = Override.objects.filter(decision=decision).first()
        if existing is not None and existing.kind == Override.Kind.PERSON:
            raise NotAllowedNow.worded(N_("this decision has already been overridden"))
        made = apply_override(decision, channel.value, justification, actor.account)
        record(
            actor.account,
            "decision.override",
            decision,
            f"{declaration.declaration_id}: {decision.channel} overridden to {channel.value}",
            justification=justification,
            declaration=declaration.declaration_id,
            replaced=existing.kind if existing else None,
            **actor.audit_details(),
        )
        return made

    return atomic(work)
