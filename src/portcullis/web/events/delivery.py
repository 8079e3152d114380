"""Delivering the feed to subscribers: each its own cursor, in feed order, at least once,
each event under its own id (so a receiver that keeps the ids it has done does each once).

A worker takes a subscriber for a while (a lease, so that two workers never send it the
same events at once, and one that dies lets go by itself), sends the events after its
cursor one by one, and moves the cursor past each one the receiver answered 2xx, in a
statement of its own: killed between the answer and that statement, the next worker sends
that event again, under the same id. A failure is tried again later, waiting longer each
time (``backoff``); after ``MAX_ATTEMPTS`` the event is kept as a dead letter, visible to
administrators, and the feed goes on past it. Nothing is lost: an event stays in the table
and the cursor moves only past what was taken or kept as dead."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from portcullis.web.events.feed import COLUMNS, FeedEvent
from portcullis.web.events.models import DeadLetter, Event, Subscriber
from portcullis.web.events.sequence import sequence_events
from portcullis.web.events.signing import signature

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 10.0
BATCH = 100


@dataclass(frozen=True)
class Answer:
    ok: bool
    problem: str = ""  # why not, in a few words (never the secret, never the body)


Send = Callable[[str, bytes, dict[str, str]], Answer]


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 10 s, 20 s, 40 s, ... up to an hour
    (ten attempts span about three hours; PORTCULLIS_WEBHOOK_RETRY_SECONDS sets the first)."""
    first = settings.PORTCULLIS_WEBHOOK_RETRY_SECONDS
    return timedelta(seconds=min(first * 2 ** (attempts - 1), 3600))


def lease() -> timedelta:
    return timedelta(seconds=settings.PORTCULLIS_WEBHOOK_LEASE_SECONDS)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """One POST; redirects are not followed (a receiver's address is what was registered)."""
    try:
        reply = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        return Answer(False, type(error).__name__)
    if 200 <= reply.status_code < 300:
        return Answer(True)
    return Answer(False, f"HTTP {reply.status_code}")


def headers_for(subscriber: Subscriber, event: FeedEvent, body: bytes) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": "Portcullis-Webhooks/1",
        "Portcullis-Event-Id": event.event_id,
        "Portcullis-Event-Type": event.kind,
        "Portcullis-Timestamp": str(timestamp),
        "Portcullis-Signature": signature(subscriber.secret, timestamp, body),
    }


def deliver_due(send: Send = post, now: datetime | None = None) -> int:
    """Deliver to every subscriber that is due; how many events were taken."""
    now = now or timezone.now()
    due = Subscriber.objects.filter(active=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    taken = 0
    for pk in due.values_list("pk", flat=True):
        until = now + lease()
        if _lease(pk, now, until):
            try:
                taken += _deliver(Subscriber.objects.get(pk=pk), send, now)
            finally:  # let go of our own lease only: past it, another worker may hold one
                Subscriber.objects.filter(pk=pk, leased_until=until).update(leased_until=None)
    return taken


def _lease(pk: int, now: datetime, until: datetime) -> bool:
    free = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    return Subscriber.objects.filter(free, pk=pk).update(leased_until=until) == 1


def _deliver(subscriber: Subscriber, send: Send, now: datetime) -> int:
    events = Event.objects.filter(position__gt=subscriber.delivered_through)
    if subscriber.kinds:
        events = events.filter(kind__in=subscriber.kinds)
    rows = events.order_by("position").values_list(*COLUMNS)[:BATCH]
    ends = time.monotonic() + lease().total_seconds() / 2  # let go well before the lease ends
    taken = 0
    for row in rows:
        event = FeedEvent.of(row)
        body = event.body()
        answer = send(subscriber.url, body, headers_for(subscriber, event, body))
        if answer.ok:
            _moved_past(subscriber, event.position)
            taken += 1
        elif subscriber.attempts + 1 >= MAX_ATTEMPTS:
            _dead(subscriber, event, answer.problem)
        else:
            _failed(subscriber, answer.problem, now)
            break
        if time.monotonic() > ends:
            break
    return taken


def _moved_past(subscriber: Subscriber, position: int) -> None:
    # Never back: a worker that outlived its lease must not undo another's progress.
    Subscriber.objects.filter(pk=subscriber.pk, delivered_through__lt=position).update(
        delivered_through=position, attempts=0, next_attempt_at=None, last_error=""
    )
    subscriber.delivered_through, subscriber.attempts = position, 0


def _failed(subscriber: Subscriber, problem: str, now: datetime) -> None:
    attempts = subscriber.attempts + 1
    logger.warning("delivery to %s failed (%s); attempt %d", subscriber.name, problem, attempts)
    Subscriber.objects.filter(pk=subscriber.pk).update(
        attempts=attempts, next_attempt_at=now + backoff(attempts), last_error=problem[:300]
    )


@transaction.atomic
def _dead(subscriber: Subscriber, event: FeedEvent, problem: str) -> None:
    logger.error("event %s to %s kept as a dead letter (%s)", event.event_id, subscriber, problem)
    DeadLetter.objects.get_or_create(
        subscriber=subscriber,
        event=Event.objects.get(event_id=event.event_id),
        defaults={
            "attempts": subscriber.attempts + 1,
            "last_error": problem[:300],
            "failed_at": timezone.now(),
        },
    )
    _moved_past(subscriber, event.position)


def send_again(letter: DeadLetter, send: Send = post) -> Answer:
    """One more attempt at a dead letter, now (an administrator's act)."""
    row = Event.objects.filter(pk=letter.event_id).values_list(*COLUMNS).get()
    event = FeedEvent.of(row)
    body = event.body()
    return send(letter.subscriber.url, body, headers_for(letter.subscriber, event, body))


def run_deliveries(stop: threading.Event, every: float = 1.0) -> None:
    """Number and deliver events until ``stop`` is set (a thread of `portcullis worker`)."""
    while not stop.is_set():
        busy = False
        try:
            busy = sequence_events() > 0
            busy = deliver_due() > 0 or busy
        except Exception:
            logger.exception("events could not be delivered")
        finally:
            connection.close()  # this thread's own connection
        if not busy:
            stop.wait(every)
