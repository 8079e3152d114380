"""Telling the engines kept in memory that what they were built from has changed.

Each change is counted in the same transaction as the change itself, so a process that sees
the new count also sees the change."""

from __future__ import annotations

from typing import Literal

from django.db import connection
from django.db.models import F

from portcullis.web.scoring.models import EngineState

_ROW = 1


def engine_changed(what: Literal["configuration", "outcomes"] = "configuration") -> None:
    if not EngineState.objects.filter(pk=_ROW).update(**{what: F(what) + 1}):
        EngineState.objects.get_or_create(pk=_ROW)
        EngineState.objects.filter(pk=_ROW).update(**{what: F(what) + 1})


def engine_state() -> tuple[int, int]:
    """(configuration, outcomes) as last committed. Read before every assessment, so read
    without the ORM's query building (a third of a millisecond a request)."""
    table = connection.ops.quote_name(EngineState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT configuration, outcomes FROM {table} WHERE id = %s", [_ROW])  # noqa: S608
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row is not None else (0, 0)
