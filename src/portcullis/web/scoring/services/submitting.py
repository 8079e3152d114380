"""Submitting declarations for assessment: validate, store once, assess, keep the decision.

The declarations a call stores and their decisions are written in one transaction, so two
identical submissions racing each other end with one declaration and one decision: the loser
waits for the winner's commit and then finds both. A declaration sent again with the same
content gets its latest decision back without a second assessment; different content under
a stored id is a conflict naming the fields that differ (amending is a separate, explicit
operation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from portcullis.engine.items import item_frame
from portcullis.engine.validation import (
    FieldProblem,
    ValidationContext,
    ValidDeclaration,
    validate_declaration,
)
from portcullis.web.audit.services import record
from portcullis.web.declarations.models import Declaration, ImportBatch
from portcullis.web.declarations.services.storing import (
    Outcome,
    PartyIds,
    StoreResult,
    store_declarations,
)
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.services.assessing import store_decisions
from portcullis.web.scoring.services.engine import LiveEngine
from portcullis.web.scoring.services.live import live_engine

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


def latest_decisions(pks: Sequence[int]) -> dict[int, Decision]:
    """Each declaration's latest decision."""
    latest: dict[int, Decision] = {}
    if not pks:
        return latest
    rows = Decision.objects.filter(declaration_id__in=list(pks)).order_by(
        "declaration_id", "-assessed_at", "-id"
    )
    for decision in rows.prefetch_related("profile_hits"):
        latest.setdefault(decision.declaration_id, decision)
    for decision in latest.values():
        decision.hits = list(decision.profile_hits.all())  # type: ignore[attr-defined]
    return latest


def assess(
    valid: Sequence[ValidDeclaration],
    pks: Sequence[int],
    live: LiveEngine,
    actor: AbstractBaseUser | None,
    versions: Mapping[str, int] | None = None,
) -> list[Decision]:
    """Assess stored declarations (their content as given) and keep the decisions."""
    if not valid:
        return []
    declarations = [v.declaration for v in valid]
    assessment = live.engine.assess(item_frame(declarations, with_outcomes=False))
    keys = {d.declaration_id: pk for d, pk in zip(declarations, pks, strict=True)}
    return store_decisions(
        assessment,
        keys,
        live,
        Decision.Source.API,
        versions=dict(versions or {}),
        requested_by=actor,
    )


def submit(
    raws: Sequence[Any],
    actor: AbstractBaseUser | None,
    *,
    batch: ImportBatch | None = None,
) -> list[Submitted]:
    """One result per record, in order. Invalid records are rejected one by one; the valid
    ones are stored and assessed together."""
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
    live = live_engine()

    def assess_stored(stored: list[StoreResult]) -> None:
        # Runs in the storing transaction, and again from scratch if that is retried.
        to_assess: list[int] = []  # positions in ``valid``
        for position, result in enumerate(stored):
            target = results[positions[position]]
            target.decision, target.differing_fields = None, ()
            if result.outcome is Outcome.STORED:
                target.status = Status.ASSESSED
                to_assess.append(position)
            elif result.outcome is Outcome.UNCHANGED:
                target.status = Status.UNCHANGED
            else:
                target.status, target.differing_fields = Status.CONFLICT, result.differing_fields
        known = latest_decisions(
            [r.pk for r in stored if r.outcome is Outcome.UNCHANGED and r.pk is not None]
        )
        for position, result in enumerate(stored):
            if result.outcome is Outcome.UNCHANGED and result.earlier_index is None:
                decision = known.get(result.pk or 0)
                if decision is None:  # stored by a file import, never assessed: assess now
                    to_assess.append(position)
                else:
                    results[positions[position]].decision = decision
        decisions = assess(
            [valid[p] for p in to_assess], [stored[p].pk or 0 for p in to_assess], live, actor
        )
        for position, decision in zip(to_assess, decisions, strict=True):
            results[positions[position]].decision = decision
        for position, result in enumerate(stored):  # repeats within this call
            if result.earlier_index is not None:
                earlier = results[positions[result.earlier_index]]
                results[positions[position]].decision = (
                    earlier.decision if result.outcome is Outcome.UNCHANGED else None
                )
        _audit(actor, results, batch)

    store_declarations(
        valid,
        source=Declaration.Source.API,
        batch=batch,
        # Inside a caller's transaction ids could yet be rolled back: remember none of them.
        party_ids=None if connection.in_atomic_block else _KNOWN_PARTIES,
        received_by=actor,
        then=assess_stored,
    )
    return results


def submit_batch(
    raws: Sequence[Any], actor: AbstractBaseUser | None, source_name: str
) -> tuple[ImportBatch, list[Submitted]]:
    """``submit``, kept as an import batch with its counts (failed, with the reason, if the
    submission fails)."""
    batch = ImportBatch.objects.create(
        source_name=source_name[:500],
        format="json",
        records=len(raws),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        results = submit(raws, actor, batch=batch)
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


def _audit(
    actor: AbstractBaseUser | None, results: list[Submitted], batch: ImportBatch | None
) -> None:
    assessed = [r for r in results if r.status is Status.ASSESSED and r.decision is not None]
    if batch is None:
        for result in assessed:
            decision = result.decision
            assert decision is not None
            record(
                actor,
                "declaration.submit",
                decision,
                f"{result.declaration_id} submitted: {decision.channel} ({decision.reason})",
            )
        return
    counts = {status.value: sum(r.status is status for r in results) for status in Status}
    record(
        actor,
        "declaration.submit_batch",
        batch,
        f"batch of {len(results):,} declarations: {counts['assessed']:,} assessed",
        **counts,
    )
