"""A person overriding the channel a decision gave: allowed on the latest decision, before
any outcome is recorded, once, with a justification that goes into the audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from portcullis.engine.channels import Channel
from portcullis.web.audit.services import record
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring.models import CurrentDecision, Decision, Override
from portcullis.web.scoring.services.submitting import latest_decisions

MIN_JUSTIFICATION = 15  # characters: a reason a court could read, not "ok"


class OverrideError(ValueError):
    """The override is refused; the message says why."""


def override(
    decision: Decision, channel: Channel, justification: str, user: AbstractBaseUser
) -> Override:
    justification = justification.strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise OverrideError(
            f"a justification of at least {MIN_JUSTIFICATION} characters is required"
        )
    if channel == decision.channel:
        raise OverrideError(f"the decision already gave {channel.value}")
    declaration = decision.declaration
    with transaction.atomic():
        latest = latest_decisions([declaration.pk]).get(declaration.pk)
        if latest is None or latest.pk != decision.pk:
            raise OverrideError("only the latest decision on a declaration can be overridden")
        if Inspection.objects.filter(declaration=declaration).exists():
            raise OverrideError("an inspection outcome is already recorded")
        try:
            with transaction.atomic():
                made = Override.objects.create(
                    decision=decision,
                    channel=channel.value,
                    justification=justification,
                    by=user,
                    at=timezone.now(),
                )
        except IntegrityError:
            raise OverrideError("this decision has already been overridden") from None
        CurrentDecision.objects.filter(decision=decision).update(channel=channel.value)
        record(
            user,
            "decision.override",
            decision,
            f"{declaration.declaration_id}: {decision.channel} overridden to {channel.value}",
            justification=justification,
            declaration=declaration.declaration_id,
        )
    return made
