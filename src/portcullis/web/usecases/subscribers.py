"""Subscribers to the events feed, and the events they could not take: an administrator's
work (a subscriber's address receives every event of every office)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from portcullis.engine.validation import FieldProblem
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.errors import Conflict, Invalid, NotAllowedNow, NotFound
from portcullis.web.events.delivery import send_again
from portcullis.web.events.models import DeadLetter, EventKind, EventSequence, Subscriber
from portcullis.web.events.signing import new_secret
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic


@dataclass(frozen=True)
class NewSubscriber:
    subscriber: Subscriber
    secret: str  # shown once: only its receiver keeps it from now on


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(
            f"the address {url[:80]!r} is not an http(s) address",
            problems=[FieldProblem("url", "must be an http:// or https:// address")],
        )
    if parts.username or parts.password:
        raise Invalid(
            "the address must not hold a user name or password: deliveries are signed",
            problems=[FieldProblem("url", "must not hold credentials")],
        )
    if len(url) > 500:
        raise Invalid(
            "the address is too long", problems=[FieldProblem("url", "at most 500 characters")]
        )
    return url


def _checked_kinds(kinds: list[str]) -> list[str]:
    known = {kind.value for kind in EventKind}
    unknown = sorted(set(kinds) - known)
    if unknown:
        raise Invalid(
            f"unknown event types: {', '.join(unknown)} (known: {', '.join(sorted(known))})",
            problems=[FieldProblem("kinds", "must name known event types")],
        )
    return sorted(set(kinds))


@use_case(
    "subscriber.add",
    N_("add subscribers to the events feed"),
    permission="events.add_subscriber",
    scope=Scope.ADMIN,
)
def add_subscriber(
    actor: Actor, name: str, url: str, kinds: list[str] | None = None, from_start: bool = False
) -> NewSubscriber:
    """A new subscriber, sent the events from now on (or the whole feed: ``from_start``)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid(
            "a subscriber needs a name of 1 to 100 characters",
            problems=[FieldProblem("name", "must be 1 to 100 characters")],
        )
    checked_url, checked_kinds = _checked_url(url), _checked_kinds(kinds or [])
    secret = new_secret()

    def work() -> Subscriber:
        if Subscriber.objects.filter(name=name).exists():
            raise Conflict(f"a subscriber is already named {name!r}")
        start = 0
        if not from_start:
            start = (
                EventSequence.objects.filter(pk=1).values_list("last_position", flat=True).first()
                or 0
            )
        made = Subscriber.objects.create(
            name=name,
            url=checked_url,
            secret=secret,
            kinds=checked_kinds,
            delivered_through=start,
            created_by=actor.account,
        )
        # The secret stays out of the audit trail, as out of every log.
        record(actor.account, "subscriber.add", made, f"subscriber {name} added",
               url=checked_url, kinds=checked_kinds, **actor.audit_details())  # fmt: skip
        return made

    return NewSubscriber(atomic(work), secret)


@use_case(
    "subscriber.list",
    N_("see the subscribers to the events feed"),
    permission="events.view_subscriber",
    scope=Scope.ADMIN,
)
def list_subscribers(actor: Actor) -> QuerySet[Subscriber]:
    return Subscriber.objects.order_by("name")


@use_case(
    "subscriber.set_active",
    N_("pause and resume subscribers to the events feed"),
    permission="events.change_subscriber",
    scope=Scope.ADMIN,
)
def set_subscriber_active(actor: Actor, name: str, active: bool) -> Subscriber:
    """Paused, a subscriber is sent nothing; resumed, it is sent what it missed, in order."""

    def work() -> Subscriber:
        subscriber = Subscriber.objects.select_for_update().filter(name=name).first()
        if subscriber is None:
            raise NotFound(f"no subscriber is named {name!r}")
        subscriber.active = active
        subscriber.next_attempt_at = None  # resumed: try at once
        subscriber.save(update_fields=["active", "next_attempt_at"])
        word = "resumed" if active else "paused"
        record(actor.account, "subscriber.set_active", subscriber,
               f"subscriber {name} {word}", **actor.audit_details())  # fmt: skip
        return subscriber

    return atomic(work)


@use_case(
    "dead_letter.list",
    N_("see the events subscribers could not take"),
    permission="events.view_deadletter",
    scope=Scope.ADMIN,
)
def list_dead_letters(actor: Actor, include_sent: bool = False) -> QuerySet[DeadLetter]:
    letters = DeadLetter.objects.select_related("subscriber", "event").order_by("-failed_at")
    return letters if include_sent else letters.filter(redelivered_at__isnull=True)


@use_case(
    "dead_letter.redeliver",
    N_("send again the events subscribers could not take"),
    permission="events.change_deadletter",
    scope=Scope.ADMIN,
)
def redeliver(actor: Actor, pk: int) -> DeadLetter:
    """One more attempt, now; refused, with the receiver's answer, if it fails again."""
    letter = DeadLetter.objects.select_related("subscriber", "event").filter(pk=pk).first()
    if letter is None:
        raise NotFound(f"dead letter {pk} does not exist")
    if letter.redelivered_at is not None:
        raise NotAllowedNow(f"dead letter {pk} was delivered on {letter.redelivered_at:%Y-%m-%d}")
    answer = send_again(letter)
    if not answer.ok:
        raise NotAllowedNow(f"{letter.subscriber.name} did not take it: {answer.problem}")
    letter.redelivered_at = timezone.now()
    letter.save(update_fields=["redelivered_at"])
    record(actor.account, "dead_letter.redeliver", letter,
           f"event {letter.event.event_id} sent again to {letter.subscriber.name}",
           **actor.audit_details())  # fmt: skip
    return letter
