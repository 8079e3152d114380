"""Inspection results: recording what was found on a selected declaration, correcting a
recorded result, outcomes a historical file brings, and the worklist of what waits.

Every change to an outcome feeds back in its own transaction (the stored figures of the
traders and profiles it touches) and tells the serving engines that outcomes changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from portcullis.engine.channels import Channel
from portcullis.engine.outcomes import validate_outcome
from portcullis.engine.schema import InspectionOutcome
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.bulk import bulk_insert
from portcullis.web.errors import Conflict, Invalid, NotAllowedNow
from portcullis.web.events.models import EventKind
from portcullis.web.events.outbox import outbox_row, result_data, write_events
from portcullis.web.inspections.feedback import outcomes_changed
from portcullis.web.inspections.models import Assignment, Inspection, InspectionCorrection
from portcullis.web.inspections.outcomes import as_outcome, columns, stored_expected_duties
from portcullis.web.scoring.models import CurrentDecision
from portcullis.web.scoring.state import engine_changed, history_rewritten
from portcullis.web.scoring.worklist import (
    WorklistCounts,
    WorklistFilter,
    worklist_counts,
    worklist_rows,
)
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import reachable
from portcullis.web.usecases.reasons import written_reason
from portcullis.web.usecases.transactions import atomic


def _summary(outcome: InspectionOutcome) -> str:
    if not outcome.finding:
        return "compliant"
    return f"finding ({outcome.finding_type.value if outcome.finding_type else 'unspecified'})"


def _valid(raw: Mapping[str, Any], lodged_at: Any) -> InspectionOutcome:
    checked = validate_outcome(raw, recorded=True, lodged_at=lodged_at)
    if isinstance(checked, list):
        first = checked[0]
        raise Invalid(
            f"the result is invalid: {first.field or 'the result'} {first.message}",
            problems=checked,
        )
    return checked


@use_case(
    "inspection.record",
    N_("record inspection results"),
    permission="inspections.add_inspection",
    scope=Scope.INSPECT,
)
def record_outcome(actor: Actor, declaration_id: str, outcome: Mapping[str, Any]) -> Inspection:
    """What the inspection of a selected declaration found (a declaration released green
    has nothing to record; a result is recorded once, then corrected)."""

    def work() -> Inspection:
        declaration = reachable(actor, declaration_id, lock=True)
        checked = _valid(outcome, declaration.lodged_at)
        current = CurrentDecision.objects.filter(declaration=declaration).first()
        if current is None or current.channel == Channel.GREEN.value:
            state = N_("no decision yet") if current is None else N_("released green")
            raise NotAllowedNow.worded(
                N_("%(id)s was not selected for control (%(state)s)"),
                id=declaration_id,
                state=state,
            )
        if Inspection.objects.filter(declaration=declaration).exists():
            raise Conflict.worded(
                N_(
                    "an inspection outcome is already recorded for %(id)s; a supervisor may "
                    "correct it"
                ),
                id=declaration_id,
            )
        now = timezone.now()
        inspection = Inspection.objects.create(
            declaration=declaration,
            **columns(checked, _expected(declaration.pk), inspected_at=now),
            source=Inspection.Source.OFFICER,
            recorded_at=now,
            recorded_by=actor.account,
        )
        outcomes_changed([declaration.pk])
        engine_changed("outcomes")
        _tell(EventKind.RESULT, inspection, now)
        record(
            actor.account,
            "inspection.record",
            inspection,
            f"{declaration_id}: {_summary(checked)}",
            decision=current.decision_id,
            **actor.audit_details(),
        )
        return inspection

    return atomic(work)


@use_case(
    "inspection.correct",
    N_("correct recorded inspection results"),
    permission="inspections.correct_inspection",
)
def correct_outcome(
    actor: Actor, declaration_id: str, outcome: Mapping[str, Any], reason: str
) -> Inspection:
    """A recorded result set right, with the reason; what it said before stays readable,
    and the traders' and profiles' figures and the serving engines follow."""
    reason = written_reason(reason)

    def work() -> Inspection:
        declaration = reachable(actor, declaration_id, lock=True)
        inspection = Inspection.objects.select_for_update().filter(declaration=declaration).first()
        if inspection is None:
            raise NotAllowedNow.worded(
                N_("no inspection result is recorded for %(id)s"), id=declaration_id
            )
        checked = _valid(outcome, declaration.lodged_at)
        before = as_outcome(inspection)
        after = InspectionOutcome.model_validate(
            {
                **checked.model_dump(),
                "inspected_at": checked.inspected_at or inspection.inspected_at,
            }
        )
        if after.model_dump(mode="json") == before:
            raise NotAllowedNow.worded(
                N_("the correction changes nothing: the result already says this")
            )
        now = timezone.now()
        InspectionCorrection.objects.create(
            inspection=inspection,
            previous=before,
            reason=reason,
            by=actor.account,
            at=now,
        )
        for name, value in columns(after, _expected(declaration.pk)).items():
            setattr(inspection, name, value)
        inspection.save()
        outcomes_changed([declaration.pk])
        history_rewritten()  # a result changed in place: the histories read it again
        _tell(EventKind.CORRECTION, inspection, now)
        record(
            actor.account,
            "inspection.correct",
            inspection,
            f"{declaration_id}: result corrected to {_summary(after)}",
            before=before,
            after=after.model_dump(mode="json"),
            reason=reason,
            **actor.audit_details(),
        )
        return inspection

    return atomic(work)


def _tell(kind: EventKind, inspection: Inspection, at: Any) -> None:
    """The clearance system's event of a result recorded or corrected (events.outbox)."""
    data = result_data(inspection.finding, inspection.finding_type, inspection.revenue)
    write_events([outbox_row(kind, inspection.declaration_id, at, data)])


@dataclass(frozen=True)
class ImportedOutcome:
    declaration_pk: int
    outcome: InspectionOutcome
    expected_duty: Decimal | None = None  # of the declaration it belongs to


def _expected(declaration_pk: int) -> Decimal | None:
    return stored_expected_duties([declaration_pk]).get(declaration_pk)


def record_imported_outcomes(outcomes: Sequence[ImportedOutcome], by: User | None) -> int:
    """The outcomes a historical file carries for the declarations just stored from it:
    written in the import's transaction, fed back, and told to the serving engines. Part of
    the file import (whose use case checked who may run it), not an action of its own."""
    if not outcomes:
        return 0
    now = timezone.now()
    bulk_insert(
        Inspection,
        [
            {
                "declaration_id": imported.declaration_pk,
                **columns(imported.outcome, imported.expected_duty),
                "source": Inspection.Source.IMPORTED.value,
                "recorded_at": now,
                "recorded_by_id": getattr(by, "pk", None),
            }
            for imported in outcomes
        ],
    )
    outcomes_changed(imported.declaration_pk for imported in outcomes)
    engine_changed("outcomes")
    return len(outcomes)


@use_case(
    "inspection.assign",
    N_("take declarations from the worklist"),
    permission="inspections.add_inspection",
)
def assign(actor: Actor, declaration_id: str) -> Assignment:
    """The actor takes the declaration from the worklist (taking it over from whoever had
    it: the audit trail says from whom)."""
    officer = actor.account
    if officer is None:
        raise NotAllowedNow.worded(N_("only a person can take a declaration from the worklist"))

    def work() -> Assignment:
        declaration = reachable(actor, declaration_id, lock=True)
        current = Assignment.objects.select_for_update().filter(declaration=declaration).first()
        if current is not None and current.officer_id == officer.pk:
            return current
        before = current.officer.get_username() if current else None
        assignment, _ = Assignment.objects.update_or_create(
            declaration=declaration,
            defaults={"officer": officer, "assigned_at": timezone.now()},
        )
        summary = f"{declaration_id} assigned to {officer.get_username()}"
        record(officer, "inspection.assign", declaration, summary, previous=before)
        # The clearance system is told who works it (a user name; nothing more of the person).
        data = {"officer": officer.get_username(), "previous": before}
        write_events(
            [outbox_row(EventKind.ASSIGNMENT, declaration.pk, assignment.assigned_at, data)]
        )
        return assignment

    return atomic(work)


@use_case("worklist.read", N_("see the worklist"), permission="inspections.view_worklist")
def worklist(actor: Actor, choice: WorklistFilter) -> QuerySet[CurrentDecision]:
    """The selected declarations whose outcome is not recorded yet, within the actor's reach."""
    return worklist_rows(actor.reach, choice, actor.account)


@use_case(
    "worklist.count", N_("count what waits in the worklist"), permission="inspections.view_worklist"
)
def count_worklist(actor: Actor, choice: WorklistFilter) -> WorklistCounts:
    """What waits, by channel and by office, within the actor's reach."""
    return worklist_counts(actor.reach, choice, actor.account)
