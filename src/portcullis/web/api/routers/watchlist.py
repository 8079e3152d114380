"""Watchlist entries: list, add, read, change (a new entry replacing the old), revoke.

Entries are never edited in place: a change revokes the entry and records its successor, so
the entries in force at any past moment stay known."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from portcullis.engine.watchlist import WatchKind, WatchlistError
from portcullis.web.accounts.scopes import Scope
from portcullis.web.api import problems
from portcullis.web.api.auth import principal_of, scoped
from portcullis.web.api.fields import Moment, Text
from portcullis.web.api.problems import ProblemOut
from portcullis.web.intelligence import services
from portcullis.web.intelligence.models import WatchlistEntry

router = Router(tags=["watchlist"])
_ERRORS: dict[int, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}
Kind = Literal[tuple(k.value for k in WatchKind)]  # type: ignore[valid-type]


class EntryIn(Schema):
    kind: Kind
    value: Text = Field(
        min_length=1, max_length=35, description="trader id, HS prefix, country or DEP>OFFICE"
    )
    reason: Text = Field(min_length=1, max_length=500)
    weight: float = Field(0.5, ge=0, le=1)
    valid_from: Moment = None
    expires_at: Moment = None


class RevokeIn(Schema):
    reason: Text = Field("", max_length=500)


class EntryOut(Schema):
    code: str
    kind: str
    value: str
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
        return entry.revoked_at is None and services.engine_entry(entry).in_force(timezone.now())

    @staticmethod
    def resolve_created_by(entry: WatchlistEntry) -> str | None:
        return entry.created_by.get_username() if entry.created_by else None


def _entry(code: str) -> WatchlistEntry:
    entry = WatchlistEntry.objects.select_related("created_by").filter(code=code).first()
    if entry is None:
        raise problems.not_found(f"watchlist entry {code}")
    return entry


def _add(payload: EntryIn, request: HttpRequest) -> WatchlistEntry:
    try:
        return services.add_entry(
            payload.kind,
            payload.value,
            payload.reason,
            principal_of(request).user,
            weight=payload.weight,
            valid_from=payload.valid_from,
            expires_at=payload.expires_at,
        )
    except WatchlistError as error:
        raise problems.invalid([{"field": "", "message": str(error)}], str(error)) from None


@router.get(
    "",
    auth=scoped(Scope.READ),
    response={200: list[EntryOut], 401: ProblemOut, 403: ProblemOut},
    summary="Watchlist entries (by default only those not revoked)",
)
def list_entries(request: HttpRequest, include_revoked: bool = False) -> list[WatchlistEntry]:
    entries = WatchlistEntry.objects.select_related("created_by").order_by("code")
    if not include_revoked:
        entries = entries.filter(revoked_at__isnull=True)
    return list(entries)


@router.post(
    "", auth=scoped(Scope.PROFILES), response={201: EntryOut, **_ERRORS}, summary="Add an entry"
)
def add(request: HttpRequest, payload: EntryIn) -> Status[WatchlistEntry]:
    return Status(201, _add(payload, request))


@router.get(
    "/{code}", auth=scoped(Scope.READ), response={200: EntryOut, **_ERRORS}, summary="One entry"
)
def read(request: HttpRequest, code: str) -> WatchlistEntry:
    return _entry(code)


@router.put(
    "/{code}",
    auth=scoped(Scope.PROFILES),
    response={201: EntryOut, 409: ProblemOut, **_ERRORS},
    summary="Change an entry: it is revoked and the new entry returned",
)
def change(request: HttpRequest, code: str, payload: EntryIn) -> Status[WatchlistEntry]:
    with transaction.atomic():
        old = _entry(code)
        if old.revoked_at is not None:
            raise problems.conflict(f"{code} was revoked; add a new entry instead")
        new = _add(payload, request)
        services.revoke(old, principal_of(request).user, f"replaced by {new.code}")
    return Status(201, new)


@router.post(
    "/{code}/revoke",
    auth=scoped(Scope.PROFILES),
    response={200: EntryOut, **_ERRORS},
    summary="Revoke an entry (it stays on record)",
)
def revoke(request: HttpRequest, code: str, payload: RevokeIn) -> WatchlistEntry:
    entry = services.revoke(_entry(code), principal_of(request).user, payload.reason)
    return entry
