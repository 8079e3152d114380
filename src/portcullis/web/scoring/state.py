"""Telling the processes that what they keep in memory has changed.

Each change is counted in the same transaction as the change itself, so a process that sees
the new count also sees the change. A request reads the counters once, when its caller is
identified, and what it keeps (the engine, the tokens it has checked) is trusted as long as
the counts it was kept under still stand."""

from __future__ import annotations

from typing import Literal, NamedTuple

from django.db import connection
from django.db.models import F

from portcullis.web.scoring.models import EngineState

_ROW = 1


class State(NamedTuple):
    configuration: int
    outcomes: int
    accounts: int


Counter = Literal["configuration", "outcomes", "accounts", "rewrites"]


def engine_changed(*what: Counter) -> None:
    """Count a change of each of ``what`` (default: configuration), in one statement."""
    raised = {name: F(name) + 1 for name in what or ("configuration",)}
    if not EngineState.objects.filter(pk=_ROW).update(**raised):
        EngineState.objects.get_or_create(pk=_ROW)
        EngineState.objects.filter(pk=_ROW).update(**raised)


def engine_state() -> State:
    """The counters as last committed. Read once a request, so read without the ORM's query
    building (a third of a millisecond a request)."""
    table = connection.ops.quote_name(EngineState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT configuration, outcomes, accounts FROM {table} WHERE id = %s",  # noqa: S608
            [_ROW],
        )
        row = cursor.fetchone()
    return State(*(int(value) for value in row)) if row is not None else State(0, 0, 0)


def history_rewritten() -> None:
    """Stored history changed other than by an addition (a result corrected or taken back,
    a declaration amended): counted in the change's transaction, so that the history copy
    and the serving histories, which otherwise only add what was stored since, read it again.
    Also counted as new outcomes, which is what tells the serving processes to look."""
    engine_changed("rewrites", "outcomes")


def history_rewrites() -> int:
    """How many times stored history was changed other than by an addition."""
    found = EngineState.objects.filter(pk=_ROW).values_list("rewrites", flat=True).first()
    return int(found or 0)
