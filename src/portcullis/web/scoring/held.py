"""Which stored rows a serving history holds, told without counting the whole history.

A serving process adds what was stored since its history was built, every second or so
while outcomes arrive. Counting every item and outcome to find out what is new costs a scan
of tables of tens of millions of rows at national scale, in every process, every second; so
each table's rows are told by their keys instead:

- every key up to ``settled`` is held; the keys held above it are listed (``above``);
- a refresh reads the rows above the highest key held (new ones), and counts the rows
  between ``settled`` and that key: a count that differs from the list means a transaction
  that took its key earlier committed later (PostgreSQL hands out keys in the order rows
  are written, not committed), and those rows are read too;
- ``settled`` moves on to the highest key held ``HORIZON`` seconds before, on the
  assumption that no writing transaction lasts longer, so the rows read at each refresh
  are those of the last minute or so, whatever the history's length;
- every ``VERIFY`` seconds (and at the first refresh) each table is counted in full, in the
  same snapshot as the rows read (``one_snapshot``); a count that differs from what is held
  (a transaction that outlived the horizon, a row removed behind the use cases' back) makes
  the history be read again.

Changes other than additions (a result corrected, a declaration amended) are told by a
counter the use cases raise (``state.history_rewritten``), which also makes it read again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.db import connection, models, transaction

HORIZON = 60.0  # seconds: the longest a writing transaction is expected to last
VERIFY = 600.0  # seconds between full counts


@dataclass(frozen=True)
class HeldRows:
    """The rows of one table (items, or outcomes) held, by key."""

    total: int  # how many in all
    settled: int  # every key up to this one is held
    above: frozenset[int]  # the keys held above ``settled``
    marks: tuple[tuple[float, int], ...]  # (when, highest key held then), oldest first

    @classmethod
    def up_to(cls, total: int, last: int, at: float) -> HeldRows:
        """``total`` rows, every key up to ``last``, held since ``at`` (time.monotonic)."""
        return cls(total, last, frozenset(), ((at, last),))

    @property
    def highest(self) -> int:
        return max(self.above, default=self.settled)


@dataclass(frozen=True)
class Held:
    """What a serving history holds: its items and outcomes, and the rewrites seen."""

    items: HeldRows
    outcomes: HeldRows
    rewrites: int
    verified: float  # when the tables were last counted in full (-inf: never)


class ReadAgain(Exception):
    """Rows held are gone, or counts disagree: the history must be read again."""


def stored_since(
    model: type[models.Model], held: HeldRows, at: float
) -> tuple[list[tuple[int, int]], HeldRows]:
    """(key, declaration key) of ``model``'s rows stored since ``held``, and what is held
    with them added (at ``at``, time.monotonic)."""
    rows = model._default_manager
    top = held.highest
    new = list(rows.filter(pk__gt=top).order_by("pk").values_list("pk", "declaration_id"))
    if top > held.settled:
        between = rows.filter(pk__gt=held.settled, pk__lte=top)
        count = between.count()
        if count < len(held.above):
            raise ReadAgain(f"{model.__name__}: rows held are gone")
        if count > len(held.above):  # committed after rows with higher keys
            late = [
                row
                for row in between.order_by("pk").values_list("pk", "declaration_id")
                if row[0] not in held.above
            ]
            new = late + new
    above = held.above | {key for key, _ in new}
    marks = (*held.marks, (at, max(above, default=held.settled)))
    settled = held.settled
    while len(marks) > 1 and marks[0][0] <= at - HORIZON and marks[1][0] <= at - HORIZON:
        marks = marks[1:]  # the newest mark at least HORIZON old is kept, to settle on
    if marks[0][0] <= at - HORIZON:
        settled = max(settled, marks[0][1])
    return new, HeldRows(
        held.total + len(new),
        settled,
        frozenset(key for key in above if key > settled),
        marks,
    )


def verified(
    held: Held, items: type[models.Model], outcomes: type[models.Model], at: float
) -> Held:
    """``held`` (with what was stored since already added, read in the same snapshot),
    checked by counting both tables in full if ``VERIFY`` seconds have passed (ReadAgain:
    a count differs from what is held)."""
    if at - held.verified < VERIFY:
        return held
    for model, rows in ((items, held.items), (outcomes, held.outcomes)):
        if model._default_manager.count() != rows.total:
            raise ReadAgain(f"{model.__name__}: {rows.total} held, another count stored")
    return replace(held, verified=at)


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Reads that all see the database as it was at one moment, so that a count and the rows
    read agree (PostgreSQL's default gives each statement its own snapshot; SQLite's read
    transaction keeps one). Inside a transaction already (a one-off command, a test), its
    own."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
