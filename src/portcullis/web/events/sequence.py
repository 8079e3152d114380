"""Giving committed events their place in the feed (see events.models: why not their key).

One sequencer at a time holds the lock on the sequence row, reads the events that have no
position yet (only committed ones are visible to it) in key order, and numbers them on from
the last position given; its positions become visible together when it commits. An event
whose transaction commits while the sequencer runs is numbered by the next run, after
everything numbered now: a reader never sees a position appear below one it has read."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from portcullis.web.events.models import Event, EventSequence

BATCH = 5_000


def sequence_events(limit: int = BATCH) -> int:
    """Number up to ``limit`` waiting events; how many were numbered."""
    if not Event.objects.filter(position__isnull=True).exists():
        return 0  # the common case, read through the partial index, without a lock
    with transaction.atomic():
        sequence = _locked_sequence()
        waiting = list(
            Event.objects.filter(position__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not waiting:
            return 0
        first = sequence.last_position + 1
        positions = list(range(first, first + len(waiting)))
        _number(waiting, positions)
        sequence.last_position = positions[-1]
        sequence.save(update_fields=["last_position"])
    return len(waiting)


def _locked_sequence() -> EventSequence:
    row = EventSequence.objects.select_for_update().filter(pk=1).first()
    if row is None:
        try:
            with transaction.atomic():
                EventSequence.objects.create(pk=1)
        except IntegrityError:
            pass  # another sequencer made it first: its row is locked below
        row = EventSequence.objects.select_for_update().get(pk=1)
    return row


def _number(pks: list[int], positions: list[int]) -> None:
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS e SET position = v.position "  # noqa: S608 (Django's names)
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(pk, position) WHERE e.id = v.pk",
                [pks, positions],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET position = %s WHERE id = %s",  # noqa: S608
                list(zip(positions, pks, strict=True)),
            )
