"""Watchlist entries as the engine uses them (adding and revoking them: usecases.watchlist)."""

from __future__ import annotations

from datetime import datetime

from portcullis.engine.rules.lists import Lists
from portcullis.engine.watchlist import WatchKind, Watchlist
from portcullis.engine.watchlist import WatchlistEntry as EngineEntry
from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.reference.lists import current_lists


def engine_entry(entry: WatchlistEntry, lists: Lists | None = None) -> EngineEntry:
    """The entry as the engine matches it; an entry on a named list matches the values of
    the list's version in ``lists``, within the list's validity as well as its own."""
    valid_from, expires_at, listed = entry.valid_from, entry.expires_at, None
    if entry.named_list:
        named = (lists or {}).get(entry.named_list)
        listed = tuple(sorted(named.values)) if named is not None else ()
        if named is not None:
            valid_from = _later(valid_from, named.valid_from)
            expires_at = _sooner(expires_at, named.expires_at)
    return EngineEntry(
        entry.code,
        WatchKind(entry.kind),
        entry.value or f"list {entry.named_list}",
        entry.reason,
        float(entry.weight),
        valid_from,
        expires_at,
        listed,
    )


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(a, b) if a and b else a or b


def _sooner(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(a, b) if a and b else a or b


def watchlist_in_force() -> Watchlist:
    """Every entry not revoked (each applies within its own validity, and an entry on a
    named list within the list's too)."""
    entries = WatchlistEntry.objects.filter(revoked_at__isnull=True).order_by("code")
    lists = current_lists() if any(e.named_list for e in entries) else {}
    return Watchlist([engine_entry(entry, lists) for entry in entries])
