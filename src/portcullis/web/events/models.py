"""The outbox: each decision, override and inspection result, as an event written in the
transaction that made it, so that an event exists exactly when its change does; and the
subscribers it is delivered to.

An event's ``position`` orders the feed. It is not its primary key: keys are taken when a
transaction inserts, but transactions commit in another order, and a reader that had seen
key 12 could never learn of key 11 committing after it. Positions are given after commit,
in key order, by one sequencer at a time (events.sequence), so that anything given a
position later than what a reader has seen is new to it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class EventKind(models.TextChoices):
    DECISION = "decision.made", "decision made"
    OVERRIDE = "decision.overridden", "channel overridden"
    ASSIGNMENT = "inspection.assigned", "taken by an officer"
    RESULT = "result.recorded", "inspection result recorded"
    CORRECTION = "result.corrected", "inspection result corrected"


class Event(models.Model):
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="+"
    )
    # The decision it tells of (a new one, or the one overridden); none for a result.
    decision = models.ForeignKey(
        "scoring.Decision", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict)  # what the receiver acts on, besides the ids
    position = models.BigIntegerField(null=True, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["id"], condition=Q(position__isnull=True), name="event_pending")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class EventSequence(models.Model):
    """The one row the sequencer locks: the last position given."""

    last_position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"events numbered to {self.last_position}"


class Subscriber(models.Model):
    """A system that is sent every event (or those of the kinds it asks for) as a signed
    POST, in feed order, each until it answers 2xx."""

    name = models.CharField(max_length=100, unique=True)
    url = models.CharField(max_length=500)  # http(s), checked by usecases.subscribers
    # The key its deliveries are signed with (HMAC-SHA256): shown once, when made.
    secret = models.CharField(max_length=100)
    kinds = models.JSONField(default=list, blank=True)  # empty: every kind
    active = models.BooleanField(default=True)
    delivered_through = models.BigIntegerField(default=0)  # the position last done with
    attempts = models.PositiveIntegerField(default=0)  # failed attempts at the next event
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # A worker delivering to it holds it until then (a worker that dies lets go when it ends).
    leased_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class DeadLetter(models.Model):
    """An event a subscriber did not take after every attempt: kept to be looked at and
    sent again; the subscriber's feed went on past it."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="dead")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    attempts = models.PositiveIntegerField()
    last_error = models.CharField(max_length=300)
    failed_at = models.DateTimeField()
    redelivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "event"], name="dead_letter_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} missed {self.event_id}"
