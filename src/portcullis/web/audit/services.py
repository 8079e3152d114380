"""Recording audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from portcullis.web.audit.models import AuditEvent

SYSTEM = "system"


def record(
    actor: User | None,
    action: str,
    target: Any,
    summary: str,
    **details: Any,
) -> AuditEvent:
    """One audit event; ``actor`` None means Portcullis itself (a scheduled task, the demo)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if actor is not None else SYSTEM,
        action=action,
        object_type=type(target).__name__,
        object_id=str(getattr(target, "pk", target))[:60],
        summary=summary[:300],
        details=details,
    )


def event_row(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any,
    summary: str,
    details: dict[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """The same event as ``record`` writes, as a row for a writer that stores it together
    with the rows it is about (in one statement)."""
    return {
        "at": at,
        "actor_id": getattr(actor, "pk", None),
        "actor_name": actor.get_username() if actor is not None else SYSTEM,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id)[:60],
        "summary": summary[:300],
        "details": details,
    }
