"""Putting another channel on a decision: the override row and where the declaration now
stands (its current decision's effective channel), written together."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from portcullis.web.events.models import EventKind
from portcullis.web.events.outbox import outbox_row, write_events
from portcullis.web.scoring.models import CurrentDecision, Decision, Override


def apply_override(
    decision: Decision,
    channel: str,
    justification: str,
    by: User | None,
    kind: str = Override.Kind.PERSON,
) -> Override:
    """Call inside the use case's transaction, the decision's row locked (an automatic
    override, made by an amendment, is replaced by a person's; a person's is final)."""
    made, _ = Override.objects.update_or_create(
        decision=decision,
        defaults={
            "channel": channel,
            "kind": kind,
            "justification": justification,
            "by": by,
            "at": timezone.now(),
        },
    )
    CurrentDecision.objects.filter(decision=decision).update(channel=channel)
    data = {"channel": channel, "decided_channel": decision.channel, "by": made.kind}
    write_events(
        [outbox_row(EventKind.OVERRIDE, decision.declaration_id, made.at, data, decision.pk)]
    )
    decision.override = made
    return made
