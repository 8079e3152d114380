"""Watchlist entries as the engine uses them (adding and revoking them: usecases.watchlist)."""

from __future__ import annotations

from portcullis.engine.watchlist import WatchKind, Watchlist
from portcullis.engine.watchlist import WatchlistEntry as EngineEntry
from portcullis.web.intelligence.models import WatchlistEntry


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


def watchlist_in_force() -> Watchlist:
    """Every entry not revoked (each applies within its own validity)."""
    entries = WatchlistEntry.objects.filter(revoked_at__isnull=True).order_by("code")
    return Watchlist([engine_entry(entry) for entry in entries])
