"""Stored figures kept by adding differences, never by counting history again.

A trader's or a profile's figures (outcomes inspected, findings, revenue of the findings,
the lodging time of the latest finding) change only when an outcome, or what it counts for,
changes: the change is the difference between what the declaration's outcome counted before
and what it counts now, added to the counters in one ``UPDATE … SET n = n + d`` per row.
Rows are written in primary-key order, so two writers never wait for each other in a circle,
and the row lock lasts to the end of the writer's transaction, so a second writer adds to
what the first committed: no update is lost, and the cost is that of the rows touched,
whatever the length of the history.

Counters were chosen over an append-only ledger summed by a periodic job: readers (the
profile and trader pages, the review flag, the risk register) see figures that agree with the
outcomes the moment those commit, as before, and nothing needs scheduling. The price is a row
lock per touched trader or profile held to commit, which serialises two submissions hitting
the same profile for the few milliseconds between its update and the commit.

The latest finding's time only moves forward by a counter; when a finding is taken back (a
correction, an amendment, an outcome held back) it is looked up again, by an index, for the
rows it may have been the latest of."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connections, models

from portcullis.web.bulk import statement_for

COUNTERS = ("inspected", "findings", "revenue")
LATEST = "last_finding_lodged_at"


@dataclass(frozen=True)
class Counted:
    """What one declaration's outcome adds to the figures of everyone it counts for."""

    finding: bool
    revenue: Decimal  # of a finding; 0 otherwise
    lodged_at: datetime


@dataclass
class Change:
    """The difference to add to one row's figures."""

    inspected: int = 0
    findings: int = 0
    revenue: Decimal = Decimal(0)
    latest_finding: datetime | None = None  # the latest finding added
    finding_taken_back: bool = False

    def add(self, counted: Counted) -> None:
        self.inspected += 1
        if counted.finding:
            self.findings += 1
            self.revenue += counted.revenue
            if self.latest_finding is None or counted.lodged_at > self.latest_finding:
                self.latest_finding = counted.lodged_at

    def take_back(self, counted: Counted) -> None:
        self.inspected -= 1
        if counted.finding:
            self.findings -= 1
            self.revenue -= counted.revenue
            self.finding_taken_back = True

    @property
    def counts(self) -> bool:
        return bool(self.inspected or self.findings or self.revenue)


Latest = Callable[[list[int]], Mapping[int, datetime | None]]


def apply_changes(model: type[models.Model], changes: Mapping[int, Change], latest: Latest) -> None:
    """Add ``changes`` (by primary key) to ``model``'s figures. ``latest`` looks up the
    latest finding of the rows a finding was taken back from, as the outcomes stand now."""
    if not changes:
        return
    connection = connections[model._default_manager.db]
    ordered = sorted(changes.items())
    taken_back = [pk for pk, change in ordered if change.finding_taken_back]

    def found() -> dict[int, datetime | None]:
        # Looked up once the rows are locked, so no other writer moves it in between.
        if not taken_back:
            return {}
        latest_now = latest(taken_back)
        return {pk: latest_now.get(pk) for pk in taken_back}

    if connection.vendor == "postgresql":
        _set_based(model, connection, ordered, found)
    else:
        _row_by_row(model, connection, ordered, found)


def _names(model: type[models.Model], connection: Any) -> tuple[str, str, dict[str, str]]:
    """The table, its key and the figures' columns, quoted (from the model's metadata: the
    statements below hold no other text, and every value is a parameter)."""
    quote = connection.ops.quote_name
    fields = {name: model._meta.get_field(name) for name in (*COUNTERS, LATEST)}
    column = {name: quote(field.column) for name, field in fields.items()}  # type: ignore[union-attr]
    return quote(model._meta.db_table), quote(model._meta.pk.column), column


def _set_based(
    model: type[models.Model],
    connection: Any,
    ordered: list[tuple[int, Change]],
    found: Callable[[], Mapping[int, datetime | None]],
) -> None:
    """One statement per kind of change, the rows given as arrays (an import changes
    thousands of traders at once), after locking them in key order."""
    table, key, column = _names(model, connection)
    counted = [(pk, change) for pk, change in ordered if change.counts]
    newer = [(pk, change.latest_finding) for pk, change in ordered if change.latest_finding]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE {key} = ANY(%s) ORDER BY {key} FOR UPDATE",  # noqa: S608
            [[pk for pk, _ in ordered]],
        )
        if counted:
            add = ", ".join(f"{column[n]} = t.{column[n]} + v.{n}" for n in COUNTERS)
            cursor.execute(
                f"UPDATE {table} AS t SET {add} "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[]) "
                f"AS v(pk, {', '.join(COUNTERS)}) WHERE t.{key} = v.pk",
                [
                    [pk for pk, _ in counted],
                    *([getattr(change, name) for _, change in counted] for name in COUNTERS),
                ],
            )
        latest = column[LATEST]
        taken_back = found()
        if newer:
            cursor.execute(
                f"UPDATE {table} AS t SET {latest} = v.at "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(pk, at) "
                f"WHERE t.{key} = v.pk AND (t.{latest} IS NULL OR t.{latest} < v.at)",
                [[pk for pk, _ in newer], [at for _, at in newer]],
            )
        if taken_back:
            cursor.execute(
                f"UPDATE {table} AS t SET {latest} = v.at "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(pk, at) "
                f"WHERE t.{key} = v.pk",
                [list(taken_back), list(taken_back.values())],
            )


def _row_by_row(
    model: type[models.Model],
    connection: Any,
    ordered: list[tuple[int, Change]],
    found: Callable[[], Mapping[int, datetime | None]],
) -> None:
    """One UPDATE per row, sent as a batch (SQLite: in process, and one writer at a time)."""
    table, key, column = _names(model, connection)
    # Counts and Decimals go to the driver as they are; only the times are converted
    # (web.bulk's converters: Django's own preparation of each value took a second for the
    # KCS import's 25,000 traders).
    names = (*COUNTERS, LATEST)
    converters = dict(zip(names, statement_for(model, names).converters, strict=True))

    def prepared(name: str, value: Any) -> Any:
        convert = converters[name]
        return value if convert is None or value is None else convert(value)

    counts = [
        [prepared(name, getattr(change, name)) for name in COUNTERS] + [pk]
        for pk, change in ordered
        if change.counts
    ]
    newer = [
        [prepared(LATEST, change.latest_finding), pk, prepared(LATEST, change.latest_finding)]
        for pk, change in ordered
        if change.latest_finding is not None
    ]
    add = ", ".join(f"{column[n]} = {column[n]} + %s" for n in COUNTERS)
    with connection.cursor() as cursor:
        if counts:
            cursor.executemany(f"UPDATE {table} SET {add} WHERE {key} = %s", counts)  # noqa: S608
        if newer:
            cursor.executemany(
                f"UPDATE {table} SET {column[LATEST]} = %s WHERE {key} = %s "  # noqa: S608
                f"AND ({column[LATEST]} IS NULL OR {column[LATEST]} < %s)",
                newer,
            )
        taken_back = found()
        if taken_back:
            cursor.executemany(
                f"UPDATE {table} SET {column[LATEST]} = %s WHERE {key} = %s",  # noqa: S608
                [[prepared(LATEST, at), pk] for pk, at in taken_back.items()],
            )
