"""Recording what an inspection found, for a declaration that was selected for control."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError

from portcullis.engine.channels import Channel
from portcullis.engine.schema import FindingType, InspectionOutcome
from portcullis.web.audit.services import record
from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.feedback import outcomes_changed
from portcullis.web.inspections.models import Assignment, Inspection
from portcullis.web.scoring.models import Decision, effective_channel
from portcullis.web.scoring.services.state import engine_changed


class InspectionError(ValueError):
    """The outcome cannot be recorded; the message says why."""


class NotAllowed(InspectionError):
    """The declaration's state does not allow it (not selected, already recorded)."""


@dataclass(frozen=True)
class OutcomeInput:
    finding: bool
    finding_type: FindingType | None = None
    critical: bool = False
    additional_duties: Decimal | None = None
    seizure: bool = False
    inspected_at: datetime | None = None
    notes: str | None = None


def record_outcome(
    declaration: Declaration, outcome: OutcomeInput, actor: AbstractBaseUser | None
) -> Inspection:
    try:  # the same rules as outcomes in imported files
        checked = InspectionOutcome.model_validate(outcome.__dict__)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise InspectionError(str(first["msg"]).removeprefix("Value error, ")) from None
    latest = (
        Decision.objects.filter(declaration=declaration)
        .select_related("override")
        .order_by("-assessed_at", "-id")
        .first()
    )
    if latest is None or effective_channel(latest) == Channel.GREEN:
        raise NotAllowed(
            f"{declaration.declaration_id} was not selected for control "
            f"({'no decision yet' if latest is None else 'released green'})"
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                declaration=declaration,
                finding=checked.finding,
                finding_type=checked.finding_type.value if checked.finding_type else "",
                critical=checked.critical,
                additional_duties=checked.additional_duties,
                seizure=checked.seizure,
                inspected_at=checked.inspected_at or now,
                notes=checked.notes or "",
                source=Inspection.Source.OFFICER,
                recorded_at=now,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
            outcomes_changed([declaration.pk])
            engine_changed("outcomes")
            record(
                actor,
                "inspection.record",
                inspection,
                f"{declaration.declaration_id}: "
                + (
                    f"finding ({checked.finding_type or 'unspecified'})"
                    if checked.finding
                    else "compliant"
                ),
                decision=latest.pk,
            )
    except IntegrityError:
        raise NotAllowed(
            f"an inspection outcome is already recorded for {declaration.declaration_id}"
        ) from None
    return inspection


def assign(declaration: Declaration, officer: AbstractBaseUser) -> Assignment:
    """``officer`` takes the declaration from the worklist (taking it over from whoever had
    it: the audit trail says from whom)."""
    with transaction.atomic():
        current = Assignment.objects.select_for_update().filter(declaration=declaration).first()
        before = current.officer.get_username() if current else None
        if current is not None and current.officer_id == officer.pk:
            return current
        assignment, _ = Assignment.objects.update_or_create(
            declaration=declaration,
            defaults={"officer": officer, "assigned_at": timezone.now()},
        )
        summary = f"{declaration.declaration_id} assigned to {officer.get_username()}"
        record(officer, "inspection.assign", declaration, summary, previous=before)
    return assignment
