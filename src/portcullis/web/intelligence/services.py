"""Watchlist entries: added with a reason, revoked (never edited), handed to the engine."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from portcullis.engine.watchlist import WatchKind, Watchlist, WatchlistError
from portcullis.engine.watchlist import WatchlistEntry as EngineEntry
from portcullis.web.audit.services import record
from portcullis.web.codes import assign_code, provisional_code
from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.scoring.services.state import engine_changed


def engine_entry(entry: WatchlistEntry) -> EngineEntry:
    return EngineEntry(
        entry.code,
        WatchKind(entry.kind),
        entry.value,
        entry.reason,
        float(entry.weight),
        entry.valid_from,
        entry.expires_at,
    )


@transaction.atomic
def add_entry(
    kind: str,
    value: str,
    reason: str,
    user: AbstractBaseUser | None,
    *,
    weight: float = 0.5,
    valid_from: datetime | None = None,
    expires_at: datetime | None = None,
) -> WatchlistEntry:
    """A new entry; WatchlistError says what is wrong with one that cannot be used."""
    try:
        kind = WatchKind(kind).value
    except ValueError:
        known = ", ".join(k.value for k in WatchKind)
        raise WatchlistError(f"unknown kind {kind!r} (one of: {known})") from None
    if not reason.strip():
        raise WatchlistError("a watchlist entry needs a reason")
    if valid_from and expires_at and expires_at <= valid_from:
        raise WatchlistError("expires_at must come after valid_from")
    entry = WatchlistEntry(
        code=provisional_code(),
        kind=kind,
        value=value.strip().upper() if kind in ("origin", "route") else value.strip(),
        reason=reason.strip(),
        weight=weight,
        valid_from=valid_from,
        expires_at=expires_at,
        created_by=user,
    )
    engine_entry(entry)  # validates value, weight and route syntax
    entry.save()
    assign_code(entry, "WL", 6)
    engine_changed()
    record(
        user,
        "watchlist.add",
        entry,
        f"added {entry.code}: {entry.kind} {entry.value}",
        reason=entry.reason,
    )
    return entry


@transaction.atomic
def revoke(entry: WatchlistEntry, user: AbstractBaseUser | None, why: str = "") -> WatchlistEntry:
    entry = WatchlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.revoked_at is None:
        entry.revoked_at, entry.revoked_by = timezone.now(), user
        entry.save()
        engine_changed()
        record(user, "watchlist.revoke", entry, f"revoked {entry.code}", why=why)
    return entry


def watchlist_in_force() -> Watchlist:
    """Every entry not revoked (each applies within its own validity)."""
    entries = WatchlistEntry.objects.filter(revoked_at__isnull=True).order_by("code")
    return Watchlist([engine_entry(entry) for entry in entries])
