"""Events: the feed of decisions, overrides and results, for systems that poll."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.problems import ProblemOut
from portcullis.web.usecases import events as usecases

router = Router(tags=["events"])


class EventOut(Schema):
    id: str = Field(description="the event's id: the same in the feed and in every delivery")
    position: int = Field(description="its place in the feed")
    type: str = Field(description="decision.made, decision.overridden, result.recorded, ...")
    occurred_at: datetime
    declaration_id: str
    decision_id: int | None
    data: dict[str, Any]


class EventsOut(Schema):
    events: list[EventOut]
    next_after: int = Field(description="ask next with after=this")


class EventsQuery(Schema):
    after: int = Field(0, description="the last position read (0: from the start)")
    limit: int = Field(100, description=f"at most this many (1 to {usecases.MAX_PAGE})")


@router.get(
    "",
    auth=signed_in(usecases.events_after),
    response={200: EventsOut, 400: ProblemOut, 401: ProblemOut, 403: ProblemOut},
    summary="Events after a position: decisions, overrides and results, in feed order",
)
def events(request: HttpRequest, query: Query[EventsQuery]) -> EventsOut:
    page = usecases.events_after(actor_of(request), query.after, query.limit)
    return EventsOut(
        events=[
            EventOut(
                id=e.event_id,
                position=e.position,
                type=e.kind,
                occurred_at=e.occurred_at,
                declaration_id=e.declaration_id,
                decision_id=e.decision_id,
                data=e.data,
            )
            for e in page.events
        ],
        next_after=page.next_after,
    )
