"""Writing events: the rows each change adds to the outbox, in its own transaction.

Events are thin: what happened, to which declaration, and the few values a clearance system
acts on (the channel, the finding); anything more it reads from the API by the ids given.
Results that come in a file import are not events: they came from the clearance system's
own records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from portcullis.web.bulk import bulk_insert
from portcullis.web.events.models import Event, EventKind


def outbox_row(
    kind: EventKind,
    declaration_pk: int,
    occurred_at: datetime,
    data: dict[str, Any],
    decision_pk: int | None = None,
) -> dict[str, Any]:
    """One event as the bulk writer takes it (the fresh submission's single statement
    fills ``declaration_id`` and ``decision_id`` in itself)."""
    return {
        "event_id": uuid.uuid4(),
        "kind": kind.value,
        "declaration_id": declaration_pk,
        "decision_id": decision_pk,
        "occurred_at": occurred_at,
        "data": data,
        "position": None,
    }


def decision_data(decision: dict[str, Any]) -> dict[str, Any]:
    """What a decision event says of the decision (a decision row as the writers hold it)."""
    score = decision.get("risk_score")
    return {
        "channel": decision["channel"],
        "reason": decision["reason"],
        "risk_score": None if score is None else float(score),
    }


def decision_events(decisions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of decisions just stored (rows with their ``id``)."""
    return [
        outbox_row(
            EventKind.DECISION,
            decision["declaration_id"],
            decision["assessed_at"],
            decision_data(decision),
            decision["id"],
        )
        for decision in decisions
    ]


def result_data(finding: bool, finding_type: str, revenue: Decimal | None) -> dict[str, Any]:
    return {
        "finding": finding,
        "finding_type": finding_type or None,
        "revenue": None if revenue is None else str(revenue),  # money as text, never a float
    }


def write_events(rows: list[dict[str, Any]]) -> None:
    """Call inside the transaction of the change the rows tell of."""
    bulk_insert(Event, rows)
