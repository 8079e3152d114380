"""An event as the feed and every delivery show it: the same fields, the same id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

COLUMNS = (
    "event_id", "position", "kind", "occurred_at", "declaration__declaration_id",
    "decision_id", "data",
)  # fmt: skip


@dataclass(frozen=True)
class FeedEvent:
    event_id: str  # receivers keep what they have done by this id
    position: int
    kind: str
    occurred_at: datetime
    declaration_id: str
    decision_id: int | None
    data: dict[str, Any]

    @classmethod
    def of(cls, row: tuple[Any, ...]) -> FeedEvent:
        """From a row of ``COLUMNS``."""
        event_id, position, kind, occurred_at, declaration_id, decision_id, data = row
        return cls(str(event_id), position, kind, occurred_at, declaration_id, decision_id, data)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.event_id,
            "position": self.position,
            "type": self.kind,
            "occurred_at": self.occurred_at.isoformat(),
            "declaration_id": self.declaration_id,
            "decision_id": self.decision_id,
            "data": self.data,
        }

    def body(self) -> bytes:
        return orjson.dumps(self.as_json())
