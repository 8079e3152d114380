"""The events feed: what a clearance system that polls reads (``GET /api/v1/events``), in
the order the feed gives, within the reach of who reads it (a client system: the
declarations it submitted)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from portcullis.engine.validation import FieldProblem
from portcullis.web.accounts.scopes import Scope
from portcullis.web.errors import Invalid
from portcullis.web.events.feed import COLUMNS, FeedEvent
from portcullis.web.events.models import Event, EventSequence
from portcullis.web.events.sequence import sequence_events
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor

MAX_PAGE = 1000


@dataclass(frozen=True)
class EventPage:
    events: list[FeedEvent]
    # Where to ask from next: the last position read, or, when the page is not full, the
    # last position given so far (every event up to it has been seen or is not yours).
    next_after: int


@use_case(
    "event.list", N_("read the events feed"), permission="events.view_event", scope=Scope.READ
)
def events_after(actor: Actor, after: int = 0, limit: int = 100) -> EventPage:
    """The events after position ``after`` (0: from the start), at most ``limit``."""
    if after < 0:
        raise Invalid(
            "after must be 0 or a position the feed gave",
            problems=[FieldProblem("after", "must be 0 or more")],
        )
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(
            f"limit must be 1 to {MAX_PAGE}",
            problems=[FieldProblem("limit", f"must be 1 to {MAX_PAGE}")],
        )
    sequence_events()
    # Read first: every event numbered up to it is committed, so the query below sees it.
    given = EventSequence.objects.filter(pk=1).values_list("last_position", flat=True).first()
    rows = (
        Event.objects.filter(actor.reach.q("declaration__"))
        .filter(position__gt=after, position__lte=given or 0)
        .order_by("position")
        .values_list(*COLUMNS)[:limit]
    )
    events = [FeedEvent.of(row) for row in rows]
    full = len(events) == limit
    return EventPage(events, events[-1].position if full else max(after, given or 0))
