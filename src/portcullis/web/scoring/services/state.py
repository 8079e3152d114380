"""Telling the engines kept in memory that what they were built from has changed.

Each change is counted in the same transaction as the change itself, so a process that sees
the new count also sees the change."""

from __future__ import annotations

from typing import Literal

from django.db.models import F

from portcullis.web.scoring.models import EngineState

_ROW = 1


def engine_changed(what: Literal["configuration", "outcomes"] = "configuration") -> None:
    if not EngineState.objects.filter(pk=_ROW).update(**{what: F(what) + 1}):
        EngineState.objects.get_or_create(pk=_ROW)
        EngineState.objects.filter(pk=_ROW).update(**{what: F(what) + 1})


def engine_state() -> tuple[int, int]:
    """(configuration, outcomes) as last committed."""
    row = EngineState.objects.filter(pk=_ROW).values_list("configuration", "outcomes").first()
    return row if row is not None else (0, 0)
