"""The engine a serving process keeps in memory between requests.

Building an engine reads the whole stored history, so a process builds it once and keeps it.
Before each use it reads one row (``EngineState``): after a change to what decides (a profile
approved or suspended, a watchlist entry, a model or policy activated) the engine is rebuilt
at once from the history context it already has, which is quick; after new inspection
outcomes the history context is rebuilt too, at most once per
``PORTCULLIS_HISTORY_REFRESH_SECONDS``, so that a burst of outcomes costs one rebuild."""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from portcullis.web.scoring.services.engine import (
    HistoryContext,
    LiveEngine,
    build_engine,
    history_context,
    load_active_model,
)
from portcullis.web.scoring.services.state import engine_state


@dataclass
class _Kept:
    live: LiveEngine
    configuration: int
    outcomes: int
    model: str | None  # the history's prices come from this model version
    context: HistoryContext
    context_built: float  # time.monotonic()


_lock = threading.Lock()
_kept: _Kept | None = None


def live_engine() -> LiveEngine:
    global _kept
    configuration, outcomes = engine_state()
    with _lock:
        kept = _kept
        fresh = kept is not None and kept.configuration == configuration
        if fresh and (kept.outcomes == outcomes or not _history_due(kept)):  # type: ignore[union-attr]
            return kept.live  # type: ignore[union-attr]
        model_version, model, _ = load_active_model()
        model_name = model_version.version if model_version else None
        if (
            kept is None
            or kept.model != model_name
            or (kept.outcomes != outcomes and _history_due(kept))
        ):
            context, built, counted = history_context(model), time.monotonic(), outcomes
        else:
            context, built, counted = kept.context, kept.context_built, kept.outcomes
        # What the old engine held may be collected again; the new one is set aside from the
        # collector, whose full passes over it otherwise stalled a request for 0.2-0.7 s.
        gc.unfreeze()
        live = build_engine(context=context)
        _kept = _Kept(live, configuration, counted, model_name, context, built)
        gc.freeze()
        return live


def _history_due(kept: _Kept) -> bool:
    refresh = float(settings.PORTCULLIS_HISTORY_REFRESH_SECONDS)
    return time.monotonic() - kept.context_built >= refresh


def forget() -> None:
    """Drop the kept engine (tests; a process that changed its settings)."""
    global _kept
    with _lock:
        _kept = None
