"""Declarations: submit one or a batch, amend one, let an amendment through, read one.

Submitting validates each record, stores it once and assesses it, in one transaction: two
identical submissions racing each other end with one declaration and one decision (the
loser's transaction runs again and finds both). The same declaration sent again gets its
latest decision back without a second assessment; different content under a stored id is a
conflict naming the fields that differ. Amending is a separate, explicit action, and a
declaration under customs control (selected, assigned or inspected) is never released by
one: the declarant's system is refused until an officer authorises the amendment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from portcullis.engine.canonical import canonical_dict, differing_fields
from portcullis.engine.channels import Channel
from portcullis.engine.validation import (
    FieldProblem,
    ValidationContext,
    ValidDeclaration,
    validate_declaration,
)
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.declarations.models import AmendmentAuthorisation, Declaration, ImportBatch
from portcullis.web.declarations.stored import stored_declaration
from portcullis.web.declarations.storing import (
    Outcome,
    PartyIds,
    StoreResult,
    replace_content,
    store_declarations,
)
from portcullis.web.errors import Invalid, NotAllowedNow, NotFound, UnderControl
from portcullis.web.inspections.feedback import hits_relodged, outcomes_changed
from portcullis.web.inspections.models import Assignment, Inspection
from portcullis.web.scoring.assessing import (
    AssessmentSummary,
    Progress,
    assess_and_store,
    assess_declarations,
)
from portcullis.web.scoring.engine import LiveEngine, build_engine
from portcullis.web.scoring.history import stored_items
from portcullis.web.scoring.live import engine_for
from portcullis.web.scoring.models import CurrentDecision, Decision, Override
from portcullis.web.scoring.overrides import apply_override
from portcullis.web.scoring.queries import latest_decisions, undecided
from portcullis.web.scoring.state import engine_changed, history_rewritten
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.collector import collect_garbage_less_often
from portcullis.web.usecases.declaration_page import (
    PAGE_RELATIONS,
    DeclarationPage,
    declaration_page,
)
from portcullis.web.usecases.fresh_submission import submit_fresh
from portcullis.web.usecases.reasons import written_reason
from portcullis.web.usecases.transactions import atomic

MAX_BATCH = 10_000
# Offices and traders already looked up by this process: never deleted, so their ids stay
# right (an id that went wrong all the same fails the insert, which is retried without them).
_KNOWN_PARTIES = PartyIds()


class Status(StrEnum):
    ASSESSED = "assessed"  # stored now and assessed: a new decision
    UNCHANGED = "unchanged"  # sent before with the same content: its decision, unchanged
    CONFLICT = "conflict"  # a different declaration is stored under this id
    REJECTED = "rejected"  # invalid: nothing stored


@dataclass
class Submitted:
    index: int
    declaration_id: str | None
    status: Status
    decision: Decision | None = None
    problems: list[FieldProblem] = field(default_factory=list)
    differing_fields: tuple[str, ...] = ()


def validation_context() -> ValidationContext:
    return ValidationContext(tz=ZoneInfo(settings.TIME_ZONE))


def check(raw: Any, context: ValidationContext) -> ValidDeclaration | list[FieldProblem]:
    """Validate one submitted record. Outcomes are not part of a submission: they are
    recorded after an inspection, for a declaration that was selected."""
    if not isinstance(raw, Mapping):
        return [FieldProblem("", "must be a JSON object (one declaration)")]
    if "outcome" in raw:
        return [
            FieldProblem(
                "outcome",
                "cannot be submitted with a declaration: record it with "
                "POST /api/v1/declarations/{declaration_id}/inspection",
            )
        ]
    return validate_declaration(raw, context)


def _guess_id(raw: Any) -> str | None:
    value = raw.get("declaration_id") if isinstance(raw, Mapping) else None
    return str(value)[:35] if isinstance(value, str | int) else None


@use_case(
    "declaration.submit",
    N_("submit declarations"),
    permission="declarations.add_declaration",
    scope=Scope.SUBMIT,
)
def submit(actor: Actor, raws: Sequence[Any]) -> list[Submitted]:
    """One result per record, in order. Invalid records are rejected one by one; the valid
    ones are stored and assessed together."""
    return _submit(actor, raws, None)


@use_case(
    "declaration.submit_batch",
    N_("submit batches of declarations"),
    permission="declarations.add_declaration",
    scope=Scope.SUBMIT,
)
def submit_batch(
    actor: Actor, raws: Sequence[Any], source_name: str = ""
) -> tuple[ImportBatch, list[Submitted]]:
    """``submit``, kept as an import batch with its counts (failed, with the reason, if the
    submission fails)."""
    if not raws or len(raws) > MAX_BATCH:
        raise Invalid(
            f"a batch holds 1 to {MAX_BATCH:,} declarations, not {len(raws):,}",
            problems=[FieldProblem("declarations", f"must hold 1 to {MAX_BATCH:,} entries")],
        )
    name = source_name or (actor.token.name if actor.token else actor.account or "system")
    batch = ImportBatch.objects.create(
        source_name=str(name)[:500],
        format="json",
        records=len(raws),
        created_by=actor.account,
    )
    try:
        with collect_garbage_less_often():
            results = _submit(actor, raws, batch)
    except Exception as error:
        batch.status, batch.message = ImportBatch.Status.FAILED, type(error).__name__
        batch.finished_at = timezone.now()
        batch.save()
        raise
    counts = {status: sum(r.status is status for r in results) for status in Status}
    batch.status, batch.stored = ImportBatch.Status.COMPLETED, counts[Status.ASSESSED]
    batch.unchanged, batch.conflicts = counts[Status.UNCHANGED], counts[Status.CONFLICT]
    batch.rejected = counts[Status.REJECTED]
    batch.finished_at = timezone.now()
    batch.save()
    return batch, results


def _submit(actor: Actor, raws: Sequence[Any], batch: ImportBatch | None) -> list[Submitted]:
    context = validation_context()
    results: list[Submitted] = []
    valid: list[ValidDeclaration] = []
    positions: list[int] = []
    for index, raw in enumerate(raws):
        checked = check(raw, context)
        if isinstance(checked, list):
            results.append(Submitted(index, _guess_id(raw), Status.REJECTED, problems=checked))
        else:
            results.append(Submitted(index, checked.declaration.declaration_id, Status.ASSESSED))
            valid.append(checked)
            positions.append(index)
    if not valid:
        return results
    live = engine_for([v.declaration.lodged_at for v in valid], actor.state)
    # Inside a caller's transaction ids could yet be rolled back: remember none of them.
    known = PartyIds() if connection.in_atomic_block else _KNOWN_PARTIES
    if len(raws) == 1 and batch is None:
        # The common case, a first submission: written with its decision in one statement.
        decision = submit_fresh(actor, valid[0], live, known)
        if decision is not None:
            results[positions[0]].decision = decision
            return results

    def store_and_assess() -> PartyIds:
        attempt = known.attempt()
        stored = store_declarations(
            valid,
            source=Declaration.Source.API,
            batch=batch,
            party_ids=attempt,
            received_by=actor.account,
        )
        _decide(actor, stored, valid, positions, results, live)
        _audit(actor, results, batch)
        return attempt

    known.keep(atomic(store_and_assess, retry_on_integrity=True, before_retry=known.forget))
    return results


def _decide(
    actor: Actor,
    stored: list[StoreResult],
    valid: list[ValidDeclaration],
    positions: list[int],
    results: list[Submitted],
    live: Any,
) -> None:
    """Each result's status and decision; runs again from scratch if the transaction is."""
    outside = _outside_reach(actor, stored)
    to_assess: list[int] = []  # positions in ``valid``
    for position, result in enumerate(stored):
        target = results[positions[position]]
        target.decision, target.differing_fields = None, ()
        if result.outcome is Outcome.STORED:
            target.status = Status.ASSESSED
            to_assess.append(position)
        elif result.pk in outside:
            # Another client's declaration: neither its content nor its decision is told.
            target.status = Status.CONFLICT
        elif result.outcome is Outcome.UNCHANGED:
            target.status = Status.UNCHANGED
        else:
            target.status, target.differing_fields = Status.CONFLICT, result.differing_fields
    known = latest_decisions(
        [
            r.pk
            for r in stored
            if r.outcome is Outcome.UNCHANGED and r.pk is not None and r.pk not in outside
        ]
    )
    for position, result in enumerate(stored):
        if (
            result.outcome is Outcome.UNCHANGED
            and result.earlier_index is None
            and result.pk not in outside
        ):
            decision = known.get(result.pk or 0)
            if decision is None:  # stored by a file import, never assessed: assess now
                to_assess.append(position)
            else:
                results[positions[position]].decision = decision
    decisions = assess_declarations(
        [valid[p] for p in to_assess], [stored[p].pk or 0 for p in to_assess], live, actor.account
    )
    for position, decision in zip(to_assess, decisions, strict=True):
        results[positions[position]].decision = decision
    for position, result in enumerate(stored):  # repeats within this call
        if result.earlier_index is not None:
            earlier = results[positions[result.earlier_index]]
            results[positions[position]].decision = (
                earlier.decision if result.outcome is Outcome.UNCHANGED else None
            )


def _outside_reach(actor: Actor, stored: list[StoreResult]) -> set[int]:
    """Stored declarations this call found already there but may not know of."""
    reach = actor.reach
    found = {r.pk for r in stored if r.outcome is not Outcome.STORED and r.pk is not None}
    if reach.everything or not found:
        return set()
    visible = Declaration.objects.filter(reach.q(), pk__any=found).values_list("pk", flat=True)
    return found - set(visible)


def _audit(actor: Actor, results: list[Submitted], batch: ImportBatch | None) -> None:
    assessed = [r for r in results if r.status is Status.ASSESSED and r.decision is not None]
    if batch is None:
        for result in assessed:
            decision = result.decision
            assert decision is not None
            record(
                actor.account,
                "declaration.submit",
                decision,
                f"{result.declaration_id} submitted: {decision.channel} ({decision.reason})",
                **actor.audit_details(),
            )
        return
    counts = {status.value: sum(r.status is status for r in results) for status in Status}
    record(
        actor.account,
        "declaration.submit_batch",
        batch,
        f"batch of {len(results):,} declarations: {counts['assessed']:,} assessed",
        **counts,
        **actor.audit_details(),
    )


@dataclass(frozen=True)
class Control:
    """Where a declaration stands with customs, for deciding whether it may be amended."""

    channel: str | None  # the effective channel of its latest decision; None: not assessed
    inspected: bool
    assigned: bool

    @property
    def under_control(self) -> bool:
        selected = self.channel is not None and self.channel != Channel.GREEN.value
        return selected or self.inspected or self.assigned

    @property
    def released(self) -> bool:
        return self.channel == Channel.GREEN.value and not self.under_control

    def why(self) -> str:
        if self.inspected:
            return "an inspection result is recorded for it"
        if self.assigned:
            return "an officer has taken it for control"
        return f"it was selected for control ({self.channel})"


def control_of_page(page: DeclarationPage) -> Control:
    """The same, from what the declaration's page has already read."""
    return Control(
        channel=page.channel,
        inspected=page.inspection is not None,
        assigned=getattr(page.declaration, "assignment", None) is not None,
    )


def control_of(row: Declaration) -> Control:
    current = CurrentDecision.objects.filter(declaration=row).values_list("channel", flat=True)
    return Control(
        channel=current.first(),
        inspected=Inspection.objects.filter(declaration=row).exists(),
        assigned=Assignment.objects.filter(declaration=row).exists(),
    )


def reachable(
    actor: Actor, declaration_id: str, *, lock: bool = False, related: tuple[str, ...] = ()
) -> Declaration:
    """The declaration, if the actor may know of it; NotFound otherwise, alike whether it is
    another office's or does not exist."""
    rows = Declaration.objects.select_related("office", *related).filter(
        actor.reach.q(), declaration_id=declaration_id
    )
    row = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if row is None:
        raise NotFound(f"declaration {declaration_id} does not exist")
    return row


@use_case(
    "declaration.amend",
    N_("amend declarations"),
    permission="declarations.change_declaration",
    scope=Scope.SUBMIT,
)
def amend(actor: Actor, declaration_id: str, raw: Any) -> Submitted:
    """The amended declaration's new decision; the same content as stored is "unchanged"
    (its latest decision, no reassessment); invalid content is "rejected", nothing changed.
    Under control, only an officer's authorisation lets it through, and the new version
    keeps the stricter channel; after release, a new version that would have been stopped
    becomes a post-release check (BLUE)."""
    checked = check(raw, validation_context())
    if not isinstance(checked, list) and checked.declaration.declaration_id != declaration_id:
        checked = [
            FieldProblem(
                "declaration_id",
                f"must be the id of the declaration amended ({declaration_id})",
                checked.declaration.declaration_id,
            )
        ]
    live = None if isinstance(checked, list) else engine_for([checked.declaration.lodged_at])

    def work() -> Submitted:
        row = reachable(actor, declaration_id, lock=True)
        if isinstance(checked, list):
            return Submitted(0, declaration_id, Status.REJECTED, problems=checked)
        assert live is not None
        if row.content_hash == checked.content_hash:
            decision = latest_decisions([row.pk]).get(row.pk)
            if decision is not None:
                return Submitted(0, declaration_id, Status.UNCHANGED, decision)
        control = control_of(row)
        authorisation = (
            AmendmentAuthorisation.objects.select_for_update()
            .filter(declaration=row, used_at__isnull=True)
            .order_by("-at")
            .first()
        )
        if control.under_control and authorisation is None:
            raise UnderControl(
                f"{declaration_id} is under customs control: {control.why()}. It cannot be "
                f"amended by the declarant's system now; an officer of office {row.office.code} "
                "may authorise an amendment (on the declaration's page, or POST "
                f"/api/v1/declarations/{declaration_id}/amendment-authorisation), after which "
                "it is reassessed and keeps the stricter channel.",
                channel=control.channel,
            )
        changed = differing_fields(
            canonical_dict(stored_declaration(row.pk)), canonical_dict(checked.declaration)
        )
        version = replace_content(row, checked, actor.account) if changed else row.version
        if changed:  # its hits and outcome count at its new lodging time, for its traders
            if "lodged_at" in changed:
                hits_relodged(row.pk)
            outcomes_changed([row.pk])
            history_rewritten()  # which tells the serving processes, as new outcomes do
        elif control.inspected:
            engine_changed("outcomes")
        (decision,) = assess_declarations(
            [checked], [row.pk], live, actor.account, {declaration_id: version}
        )
        kept = _keep_control(decision, control, authorisation, version)
        record(
            actor.account,
            "declaration.amend",
            decision,
            f"{declaration_id} amended to version {version}: {decision.channel} "
            f"({decision.reason})" + (f", {kept.channel} applies ({kept.kind})" if kept else ""),
            changed=changed,
            **actor.audit_details(),
        )
        return Submitted(
            0, declaration_id, Status.ASSESSED, decision, differing_fields=tuple(changed)
        )

    return atomic(work)


def _name(user: User | None) -> str:
    return user.get_username() if user is not None else "the operator"


def _keep_control(
    decision: Decision,
    control: Control,
    authorisation: AmendmentAuthorisation | None,
    version: int,
) -> Override | None:
    """The channel that applies to an amended declaration when it is not the new decision's
    own: the stricter of before and now under control; a check after release for one that
    the new version would have stopped."""
    new = Channel(decision.channel)
    if authorisation is not None:
        authorisation.used_at, authorisation.used_for_version = timezone.now(), version
        authorisation.save(update_fields=["used_at", "used_for_version"])
        before = Channel(control.channel) if control.channel else None
        if before is not None and before.severity > new.severity:
            return apply_override(
                decision,
                before.value,
                f"amended under control (authorised by {_name(authorisation.by)}: "
                f"{authorisation.reason}); the stricter channel {before.value} is kept",
                authorisation.by,
                Override.Kind.KEPT_UNDER_CONTROL,
            )
        return None
    if control.released and new not in (Channel.GREEN, Channel.BLUE):
        return apply_override(
            decision,
            Channel.BLUE.value,
            f"amended after release: the new version would have been {new.value}; the goods "
            "are released, so it is checked after release",
            None,
            Override.Kind.AFTER_RELEASE,
        )
    return None


@use_case(
    "declaration.authorise_amendment",
    N_("authorise amendments of declarations under control"),
    permission="declarations.authorise_amendment",
)
def authorise_amendment(actor: Actor, declaration_id: str, reason: str) -> AmendmentAuthorisation:
    """Let the declarant's system amend one declaration under control, once."""
    reason = written_reason(reason)

    def work() -> AmendmentAuthorisation:
        row = reachable(actor, declaration_id, lock=True)
        control = control_of(row)
        if not control.under_control:
            raise NotAllowedNow.worded(
                N_("%(id)s is not under control: its declarant may amend it directly"),
                id=declaration_id,
            )
        pending = AmendmentAuthorisation.objects.filter(declaration=row, used_at__isnull=True)
        if pending.exists():
            raise NotAllowedNow.worded(
                N_("an amendment of %(id)s is already authorised"), id=declaration_id
            )
        made = AmendmentAuthorisation.objects.create(
            declaration=row, reason=reason, by=actor.account, at=timezone.now()
        )
        record(
            actor.account,
            "declaration.authorise_amendment",
            row,
            f"{declaration_id}: amendment authorised under control ({control.why()})",
            reason=reason,
            **actor.audit_details(),
        )
        return made

    return atomic(work)


@use_case(
    "declaration.read",
    N_("read declarations"),
    permission="declarations.view_declaration",
    scope=Scope.READ,
)
def read_declaration(actor: Actor, declaration_id: str) -> DeclarationPage:
    """The declaration with its items, decisions, earlier versions and outcome."""
    row = reachable(actor, declaration_id, related=PAGE_RELATIONS)
    return declaration_page(row, actor.reach)


@use_case(
    "declaration.assess_stored",
    N_("assess stored declarations"),
    permission="declarations.add_declaration",
    scope=Scope.SUBMIT,
)
def assess_stored(
    actor: Actor, declaration_ids: Sequence[str], progress: Progress | None = None
) -> tuple[AssessmentSummary, LiveEngine | None]:
    """A decision for each of the stored declarations among ``declaration_ids`` that has
    none yet (an imported file's), in chunks of one transaction each."""
    pks = undecided(declaration_ids, actor.reach)
    if not pks:
        return AssessmentSummary(), None
    live = build_engine()
    summary = assess_and_store(stored_items(pks), live, Decision.Source.FILE, progress)
    record(
        actor.account,
        "declaration.assess_stored",
        "declarations",
        f"{summary.declarations:,} stored declarations assessed",
        channels=dict(summary.channels),
        **actor.audit_details(),
    )
    return summary, live
