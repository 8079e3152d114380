"""Assessing stored declarations and keeping the decisions.

Declarations are assessed in chunks; each chunk's decisions (with their profile hits) are
written in one transaction, so a decision is never half stored, and an interruption keeps
every chunk finished before it."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from portcullis.engine.assessment import Assessment
from portcullis.engine.items import declaration_starts, item_frame
from portcullis.engine.single_assessment import OneAssessment
from portcullis.engine.validation import ValidDeclaration
from portcullis.web.bulk import (
    bulk_insert,
    delete_where_in,
    instances,
    reserve_ids,
    rows_where_in,
)
from portcullis.web.declarations.models import Declaration
from portcullis.web.events.outbox import decision_events, write_events
from portcullis.web.inspections.feedback import count_hits
from portcullis.web.scoring.engine import LiveEngine
from portcullis.web.scoring.models import CurrentDecision, Decision, ProfileHit

CHUNK_ITEMS = 20_000
Progress = Callable[[int, int], None]


@dataclass
class AssessmentSummary:
    declarations: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    decision_pks: list[int] = field(default_factory=list)


def _plain(value: Any) -> Any:
    """A value JSON can hold (no NaN, no NumPy scalars). Floats keep every digit: a replay
    must see exactly what the decision saw."""
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _plain_record(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row.items() if k != "row"}


def _chunks(items: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """Runs of whole declarations of about CHUNK_ITEMS items."""
    low = 0
    for start in [*declaration_starts(items).tolist()[1:], items.height]:
        if start - low >= CHUNK_ITEMS or start == items.height:
            if start > low:
                yield items.slice(low, start - low)
            low = start


def assess_and_store(
    items: pl.DataFrame,
    live: LiveEngine,
    source: Decision.Source,
    progress: Progress | None = None,
) -> AssessmentSummary:
    """Assess the stored declarations in ``items`` (an item frame with ``_pk``, from
    ``history.stored_items``) and keep one new decision for each."""
    summary = AssessmentSummary()
    done = 0
    for chunk in _chunks(items):
        assessment = live.engine.assess(chunk.drop("_pk"))
        keys = dict(zip(chunk.get_column("declaration_id"), chunk.get_column("_pk"), strict=False))
        summary.decision_pks += [d.pk for d in store_decisions(assessment, keys, live, source)]
        declarations = assessment.declarations
        summary.declarations += declarations.height
        summary.channels.update(declarations.get_column("channel").to_list())
        summary.reasons.update(declarations.get_column("reason").to_list())
        summary.failures.update(f for f in declarations.get_column("failure").to_list() if f)
        done += chunk.height
        if progress:
            progress(done, items.height)
    return summary


def assess_declarations(
    valid: Sequence[ValidDeclaration],
    pks: Sequence[int],
    live: LiveEngine,
    requested_by: User | None,
    versions: Mapping[str, int] | None = None,
) -> list[Decision]:
    """Assess stored declarations (their content as given) and keep the decisions."""
    if not valid:
        return []
    declarations = [v.declaration for v in valid]
    assessment: Assessment | OneAssessment
    if len(declarations) == 1:  # a submission: in plain Python when lodged after history
        assessment = live.engine.assess_declaration(declarations[0])
    else:
        assessment = live.engine.assess(item_frame(declarations, with_outcomes=False))
    keys = {d.declaration_id: pk for d, pk in zip(declarations, pks, strict=True)}
    return store_decisions(
        assessment,
        keys,
        live,
        Decision.Source.API,
        versions=dict(versions or {}),
        requested_by=requested_by,
    )


def _grouped(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        declaration_id = row.pop("declaration_id")
        out.setdefault(declaration_id, []).append(row)
    return out


@dataclass
class DecisionRows:
    """What a set of decisions stores, as rows (no model instances): each decision's row
    (its primary key left out), and each profile hit as (decision's position, profile
    version, line, selected)."""

    decisions: list[dict[str, Any]]
    hits: list[tuple[int, int, int, bool]]


def decision_rows(
    assessment: Assessment | OneAssessment,
    keys: dict[str, int],
    live: LiveEngine,
    source: Decision.Source,
    now: datetime,
    *,
    versions: dict[str, int] | None = None,
    requested_by: User | None = None,
) -> DecisionRows:
    """The rows of one decision per declaration of ``assessment``; ``keys`` maps each
    declaration id to its stored primary key, ``versions`` to the version assessed."""
    item_records = assessment.item_records()
    lines = [(row["declaration_id"], row["line_no"]) for row in item_records]
    item_scores = _grouped([_plain_record(row) for row in item_records])
    watchlist = _grouped([_plain_record(row) for row in assessment.watchlist_hit_records()])
    inputs: dict[str, list[dict[str, Any]]] = {}
    # A batch's context is plain already (Features.rows); one declaration's may hold NaN.
    plain = isinstance(assessment, Assessment)
    for (declaration_id, line_no), values in zip(lines, assessment.context(), strict=True):
        inputs.setdefault(declaration_id, []).append(
            {"line_no": line_no, **(values if plain else {k: _plain(v) for k, v in values.items()})}
        )
    model_version = live.model_version.pk if live.model_version is not None else None
    requester = getattr(requested_by, "pk", None)
    rows: list[dict[str, Any]] = []
    position: dict[str, int] = {}
    for row in assessment.declaration_records():
        declaration_id = row["declaration_id"]
        position[declaration_id] = len(rows)
        rows.append(
            {
                "declaration_id": keys[declaration_id],
                "declaration_version": (versions or {}).get(declaration_id, 1),
                "channel": row["channel"],
                "reason": row["reason"],
                "risk_score": _plain(row["risk_score"]),
                "model_score": _plain(row["model_score"]),
                "revenue_at_stake": _plain(row["revenue_at_stake"]),
                "top_line_no": row["top_line_no"],
                "failure": row["failure"] or "",
                "model_version_id": model_version,
                "policy_version_id": live.policy_version.pk,
                "profile_set_id": live.profile_set.pk,
                "seed_fingerprint": assessment.versions.seed,
                "draws": {"random": _plain(row["u_random"]), "explore": _plain(row["u_explore"])},
                "item_scores": item_scores.get(declaration_id, []),
                "factors": [f.to_dict() for f in assessment.factors.get(declaration_id, [])],
                "notes": assessment.notes.get(declaration_id, []),
                "watchlist_hits": watchlist.get(declaration_id, []),
                "inputs": inputs.get(declaration_id, []),
                "source": source.value,
                "assessed_at": now,
                "requested_by_id": requester,
            }
        )
    hits = [
        (
            position[hit["declaration_id"]],
            live.profile_versions[(hit["profile"], hit["version"])],
            hit["line_no"],
            hit["selected"],
        )
        for hit in assessment.profile_hit_records()
    ]
    return DecisionRows(rows, hits)


def current_row(
    decision: dict[str, Any], decision_pk: int, office_id: int, lodged_at: datetime, rate: float
) -> dict[str, Any]:
    """A declaration's row in CurrentDecision, naming its new decision."""
    return {
        "declaration_id": decision["declaration_id"],
        "decision_id": decision_pk,
        "channel": decision["channel"],
        "reason": decision["reason"],
        "risk_score": decision["risk_score"],
        "assessed_at": decision["assessed_at"],
        "office_id": office_id,
        "lodged_at": lodged_at,
        "sampled": _drawn(decision["draws"].get("random"), rate),
    }


def random_rate(live: LiveEngine) -> float:
    return float(live.policy_version.data.get("random_rate", 0.0))


@transaction.atomic(savepoint=False)  # all or nothing with its caller's transaction
def store_decisions(
    assessment: Assessment | OneAssessment,
    keys: dict[str, int],
    live: LiveEngine,
    source: Decision.Source,
    *,
    versions: dict[str, int] | None = None,
    requested_by: User | None = None,
) -> list[Decision]:
    """Keep one decision per declaration of ``assessment``; ``keys`` maps each declaration
    id to its stored primary key, ``versions`` to the version assessed (default 1). Each
    decision comes back with its profile hits in ``hits``."""
    made = decision_rows(
        assessment, keys, live, source, timezone.now(), versions=versions,
        requested_by=requested_by,
    )  # fmt: skip
    pks = reserve_ids(Decision, len(made.decisions))
    rows = [{"id": pk, **row} for pk, row in zip(pks, made.decisions, strict=True)]
    # Written with COPY (bulk_insert): Django's bulk_create spent most of a batch's time
    # preparing these JSON columns.
    bulk_insert(Decision, rows)
    write_events(decision_events(rows))
    _make_current(rows, random_rate(live))
    hit_rows = [
        {"id": pk, "decision_id": pks[at], "profile_version_id": version, "line_no": line,
         "selected": selected}
        for pk, (at, version, line, selected) in zip(
            reserve_ids(ProfileHit, len(made.hits)), made.hits, strict=True
        )
    ]  # fmt: skip
    bulk_insert(ProfileHit, hit_rows)
    # The profiles hit now count these declarations (and outcomes already known).
    count_hits(
        (live.profile_of_version[version], rows[at]["declaration_id"])
        for at, version, _, _ in made.hits
    )
    decisions = instances(Decision, rows)
    by_pk: dict[int, list[ProfileHit]] = {pk: [] for pk in pks}
    for hit in instances(ProfileHit, hit_rows):
        by_pk[hit.decision_id].append(hit)
    for decision in decisions:
        decision.hits = by_pk[decision.pk]  # type: ignore[attr-defined]
    return decisions


def _make_current(decisions: list[dict[str, Any]], rate: float) -> None:
    """Each declaration's row in CurrentDecision now names its new decision."""
    pks = [d["declaration_id"] for d in decisions]
    delete_where_in(CurrentDecision, "declaration_id", pks)
    declared = {
        pk: (office, lodged)
        for pk, office, lodged in rows_where_in(
            Declaration, ["id", "office_id", "lodged_at"], "id", pks
        )
    }
    bulk_insert(
        CurrentDecision,
        [current_row(d, d["id"], *declared[d["declaration_id"]], rate) for d in decisions],
    )


def _drawn(draw: float | None, random_rate: float) -> bool:
    return draw is not None and not math.isnan(draw) and draw < random_rate
