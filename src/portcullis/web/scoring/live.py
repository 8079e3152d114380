"""The engine a serving process keeps in memory between requests.

Building an engine reads the stored history (its columnar copy, by column: the compliance
figures by key, ``engine/features/serving.py``), so a process builds it once and keeps it.
Before each use it reads one row (``EngineState``): after a change to what decides (a profile
approved or suspended, a watchlist entry, a model or policy activated) the engine is rebuilt
at once from the history context it already has, which is quick; after new inspection
outcomes the declarations and outcomes stored since are added to the history context, at
most once per ``PORTCULLIS_HISTORY_REFRESH_SECONDS``, in a background thread while requests
go on with the engine they have (so that a burst of outcomes costs one addition, and no
request waits). The kept history is exact for declarations lodged from a few days before its
latest declaration or outcome on; ``engine_for`` gives an earlier one an engine over the
whole history."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection

from portcullis.engine.model.artifact import ModelArtifact
from portcullis.web.scoring.engine import (
    HistoryContext,
    LiveEngine,
    advanced,
    build_engine,
    load_active_model,
    serving_context,
)
from portcullis.web.scoring.state import State, engine_state

logger = logging.getLogger(__name__)


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
_refresher: threading.Thread | None = None


def live_engine(state: State | None = None) -> LiveEngine:
    """The kept engine, rebuilt first if the counters say it is out of date; ``state``: the
    counters as the request already read them."""
    global _kept
    configuration, outcomes, _ = state or engine_state()
    _let_go_of_whole()
    with _lock:
        kept = _kept
        if kept is not None and kept.configuration == configuration:
            if kept.outcomes == outcomes or not _history_due(kept):
                return kept.live
            if _in_background():
                _refresh_later(outcomes)
                return kept.live
        model_version, model, _ = load_active_model()
        model_name = model_version.version if model_version else None
        stale = kept is not None and kept.outcomes != outcomes and _history_due(kept)
        if kept is None or kept.model != model_name or (stale and not _in_background()):
            context, built, counted = _context(kept, model_name, model), time.monotonic(), outcomes
        else:
            context, built, counted = kept.context, kept.context_built, kept.outcomes
        live = build_engine(context=context)
        _kept = _swap(live, configuration, counted, model_name, context, built)
        if stale and _in_background():
            _refresh_later(outcomes)
        return _kept.live


def engine_for(lodged: Iterable[datetime | None], state: State | None = None) -> LiveEngine:
    """The kept engine if its history is exact for declarations lodged at ``lodged``, else
    an engine over the whole stored history (a late or historic submission, a preview over
    past declarations): see ``_whole_history``."""
    asked = time.monotonic()
    live = live_engine(state)
    since = live.engine.context.compliance.since
    if since is None or all(t is not None and t >= since for t in lodged):
        return live
    logger.info("declarations lodged before %s: assessed over the whole history", since)
    return _whole_history(asked, (state or engine_state()).configuration)


def _let_go_of_whole() -> None:
    """Drop the engine over the whole history once too old to serve a new request (its
    memory is that of the whole history). Without the lock, on every request: at worst a
    race drops one just built, which the next late declaration builds again."""
    global _whole
    whole = _whole
    if whole is not None and time.monotonic() - whole.started > whole.fresh_for():
        _whole = None


@dataclass
class _Whole:
    live: LiveEngine
    configuration: int
    started: float  # time.monotonic() when its build began: it holds what was stored before
    took: float  # seconds its build took

    def fresh_for(self) -> float:
        """How long after its build began it serves a new request: the kept engine's refresh
        interval, or the time a build takes, whichever is longer (a request that came while
        it was built takes it rather than waiting for a build of its own)."""
        return max(float(settings.PORTCULLIS_HISTORY_REFRESH_SECONDS), self.took)


_whole_lock = threading.Lock()
_whole: _Whole | None = None


def _whole_history(asked: float, configuration: int) -> LiveEngine:
    """An engine over the whole stored history whose build began no longer before the
    request ``asked`` at than ``_Whole.fresh_for``, built one at a time: requests that come
    while one is built wait for it and share it.
    (Each building its own let a burst of late submissions, careless or hostile, build as
    many engines over the whole history at once, each taking seconds and gigabytes at
    national scale.) Let go by the next request once it is no longer fresh enough for a new
    one (``_let_go_of_whole``)."""
    global _whole
    with _whole_lock:
        kept = _whole
        if (
            kept is not None
            and kept.configuration == configuration
            and kept.started >= asked - kept.fresh_for()
        ):
            return kept.live
        _whole = None  # let the old one go before the new one is built
        started = time.monotonic()
        live = build_engine()
        _whole = _Whole(live, configuration, started, time.monotonic() - started)
        return live


def _context(
    kept: _Kept | None, model_name: str | None, model: ModelArtifact | None
) -> HistoryContext:
    """The kept context with what was stored since added, else (first use, another model,
    anything but additions) a serving context read from the copy."""
    if kept is not None and kept.model == model_name:
        context = advanced(kept.context)
        if context is not None:
            return context
    return serving_context(model)


def _swap(
    live: LiveEngine,
    configuration: int,
    outcomes: int,
    model: str | None,
    context: HistoryContext,
    built: float,
) -> _Kept:
    """Keep ``live`` (called holding the lock)."""
    # What the old engine held may be collected again; the new one is set aside from the
    # collector, whose full passes over it otherwise stalled a request for 0.2-0.7 s.
    gc.unfreeze()
    kept = _Kept(live, configuration, outcomes, model, context, built)
    gc.freeze()
    return kept


def _in_background() -> bool:
    """Whether new outcomes are folded in by a background thread (serving) or at once, by
    the request that finds them (a refresh interval of 0: tests, one-off commands)."""
    return float(settings.PORTCULLIS_HISTORY_REFRESH_SECONDS) > 0


def _refresh_later(outcomes: int) -> None:
    """Rebuild the history context in a thread while requests go on with the engine they
    have (reading a large history takes seconds); called holding the lock."""
    global _refresher
    if _refresher is not None and _refresher.is_alive():
        return
    _refresher = threading.Thread(
        target=_refresh, args=(outcomes,), name="history-refresh", daemon=True
    )
    _refresher.start()


def _refresh(outcomes: int) -> None:
    global _kept
    try:
        model_version, model, _ = load_active_model()
        model_name = model_version.version if model_version else None
        context, built = _context(_kept, model_name, model), time.monotonic()
        configuration = engine_state().configuration
        # Built before taking the lock: building records its profile set, a write that waits
        # for any transaction writing the same row, and that transaction's thread may be
        # waiting for the lock (a deadlock seen under PostgreSQL).
        live = build_engine(context=context)
        with _lock:
            if _kept is None or _kept.configuration <= configuration:
                _kept = _swap(live, configuration, outcomes, model_name, context, built)
    except Exception:
        logger.exception("refreshing the compliance history failed; the previous one is kept")
    finally:
        connection.close()  # this thread's own connection


def wait_for_refresh(timeout: float = 60.0) -> None:
    """Wait until a background refresh, if one runs, is done (tests, orderly shutdown)."""
    refresher = _refresher
    if refresher is not None:
        refresher.join(timeout)


def _history_due(kept: _Kept) -> bool:
    refresh = float(settings.PORTCULLIS_HISTORY_REFRESH_SECONDS)
    return time.monotonic() - kept.context_built >= refresh


def forget() -> None:
    """Drop the kept engines (tests; a process that changed its settings)."""
    global _kept, _whole
    with _lock:
        _kept = None
    with _whole_lock:
        _whole = None
