"""Watchlist entries: list, add, read, change (a new entry replacing the old), revoke.

Entries are never edited in place: a change revokes the entry and records its successor, so
the entries in force at any past moment stay known."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from portcullis.engine.watchlist import WatchKind
from portcullis.web.api.auth import actor_of, signed_in
from portcullis.web.api.fields import Body, Moment, Number, Text
from portcullis.web.api.problems import ProblemOut
from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.intelligence.watchlist import engine_entry
from portcullis.web.usecases import watchlist as usecases
from portcullis.web.usecases.watchlist import EntryInput

router = Router(tags=["watchlist"])
_ERRORS: dict[int, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}


class EntryIn(Body):
    kind: WatchKind
    value: Text = Field(
        "", max_length=35, description="trader id, HS prefix, country or DEP>OFFICE"
    )
    named_list: Text = Field(
        "", max_length=40, description="instead of a value: every value of this named list"
    )
    reason: Text = Field(min_length=1, max_length=500)
    weight: Number = Field(0.5, ge=0, le=1)
    valid_from: Moment = None
    expires_at: Moment = None


class RevokeIn(Body):
    reason: Text = Field("", max_length=500)


class EntryOut(Schema):
    code: str
    kind: str
    value: str
    named_list: str
    reason: str
    weight: float
    valid_from: datetime | None
    expires_at: datetime | None
    in_force: bool
    created_at: datetime
    created_by: str | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_in_force(entry: WatchlistEntry) -> bool:
        return entry.revoked_at is None and engine_entry(entry).in_force(timezone.now())

    @staticmethod
    def resolve_created_by(entry: WatchlistEntry) -> str | None:
        return entry.created_by.get_username() if entry.created_by else None


def _given(payload: EntryIn) -> EntryInput:
    return EntryInput(
        kind=payload.kind.value,
        value=payload.value,
        named_list=payload.named_list,
        reason=payload.reason,
        weight=payload.weight,
        valid_from=payload.valid_from,
        expires_at=payload.expires_at,
    )


@router.get(
    "",
    auth=signed_in(usecases.list_entries),
    response={200: list[EntryOut], 401: ProblemOut, 403: ProblemOut},
    summary="Watchlist entries (by default only those not revoked)",
)
def list_entries(request: HttpRequest, include_revoked: bool = False) -> list[WatchlistEntry]:
    entries = usecases.list_entries(actor_of(request), include_revoked=include_revoked)
    return list(entries.order_by("code"))


@router.post(
    "",
    auth=signed_in(usecases.add_entry),
    response={201: EntryOut, **_ERRORS},
    summary="Add an entry",
)
def add(request: HttpRequest, payload: EntryIn) -> Status[WatchlistEntry]:
    return Status(201, usecases.add_entry(actor_of(request), _given(payload)))


@router.get(
    "/{code}",
    auth=signed_in(usecases.read_entry),
    response={200: EntryOut, **_ERRORS},
    summary="One entry",
)
def read(request: HttpRequest, code: str) -> WatchlistEntry:
    return usecases.read_entry(actor_of(request), code)


@router.put(
    "/{code}",
    auth=signed_in(usecases.change_entry),
    response={201: EntryOut, 409: ProblemOut, **_ERRORS},
    summary="Change an entry: it is revoked and the new entry returned",
)
def change(request: HttpRequest, code: str, payload: EntryIn) -> Status[WatchlistEntry]:
    return Status(201, usecases.change_entry(actor_of(request), code, _given(payload)))


@router.post(
    "/{code}/revoke",
    auth=signed_in(usecases.revoke_entry),
    response={200: EntryOut, **_ERRORS},
    summary="Revoke an entry (it stays on record)",
)
def revoke(request: HttpRequest, code: str, payload: RevokeIn) -> WatchlistEntry:
    return usecases.revoke_entry(actor_of(request), code, payload.reason)
