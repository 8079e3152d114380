"""A columnar copy of the stored history (the item frame of every stored item, with its
outcome), kept as a Parquet file in the data directory, for the work that reads all of it
(backtests, drift checks): reading a million declarations through the database costs about a
minute on SQLite, the copy about a second.

The copy is brought up to date before every use, from what the database says now:
- declarations stored since: their items are read and added;
- outcomes recorded since: the items of their declarations are read again;
- anything else (an amended declaration, an outcome corrected or taken away, or a copy that
  does not match its own record): the copy is rebuilt from scratch.
Each check compares counts and highest keys of the items and outcomes, and the sum of the
declarations' version numbers (an amendment raises it), and a counter the use cases raise in
the transaction of every change that is not an addition (``state.history_rewritten``: a
result corrected in place changes no count). Writes go through the use cases; a change made to the
database behind their back (an UPDATE by hand) is not seen: ``refresh(rebuild=True)`` or
deleting the file starts again."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db.models import Count, Max, Sum

from portcullis.engine.items import SCHEMA
from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring.history import item_frame_of, national
from portcullis.web.scoring.state import history_rewrites

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stamp:
    """What the copy holds: the database's counts and highest keys when it was made."""

    items: int
    last_item: int
    outcomes: int
    last_outcome: int
    declarations: int
    versions: int  # the sum of the declarations' version numbers
    rewrites: int = 0  # changes other than additions (``state.history_rewritten``)


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "history"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stamp() -> Stamp:
    """What the database holds now, as a copy records it."""
    rewrites = history_rewrites()  # first: a rewrite committed while the rest is read is seen
    items = Item.objects.aggregate(n=Count("pk"), last=Max("pk"))
    outcomes = Inspection.objects.aggregate(n=Count("pk"), last=Max("pk"))
    declarations = Declaration.objects.aggregate(n=Count("pk"), versions=Sum("version"))
    return Stamp(
        items["n"],
        items["last"] or 0,
        outcomes["n"],
        outcomes["last"] or 0,
        declarations["n"],
        declarations["versions"] or 0,
        rewrites,
    )


def _read() -> tuple[pl.DataFrame, Stamp] | None:
    data, record = folder() / "items.parquet", folder() / "stamp.json"
    try:
        stamp = Stamp(**json.loads(record.read_text(encoding="utf-8")))
        frame = pl.read_parquet(data)
    except (OSError, ValueError, TypeError, pl.exceptions.PolarsError):
        return None
    if frame.height != stamp.items or not set(SCHEMA) <= set(frame.columns):
        return None  # cut short, or written before the frame had all its fields: rebuilt
    return frame, stamp


def _write(frame: pl.DataFrame, stamp: Stamp) -> None:
    """The file, then its record, each replaced whole (a reader sees old or new, never
    half): a record that does not match its file makes the next reader rebuild."""
    base = folder()
    temporary = base / f"items.{os.getpid()}.parquet"
    frame.write_parquet(temporary)
    os.replace(temporary, base / "items.parquet")
    record = base / f"stamp.{os.getpid()}.json"
    record.write_text(json.dumps(asdict(stamp)), encoding="utf-8")
    os.replace(record, base / "stamp.json")


def only_added(kept: Stamp, now: Stamp) -> bool:
    """Since ``kept``, were rows only added (no amendment, nothing corrected or taken
    away)?"""
    if now.rewrites != kept.rewrites:
        return False
    if now.versions - now.declarations != kept.versions - kept.declarations:
        return False  # an amendment (new declarations add 1 to each side)
    if now.items < kept.items or now.outcomes < kept.outcomes:
        return False
    earlier_items = Item.objects.filter(pk__lte=kept.last_item).count()
    earlier_outcomes = Inspection.objects.filter(pk__lte=kept.last_outcome).count()
    return earlier_items == kept.items and earlier_outcomes == kept.outcomes


def history_frame(*, rebuild: bool = False) -> pl.DataFrame:
    """Every stored item as an item frame (with ``_pk``, in the order ``stored_items``
    gives), from the copy brought up to date."""
    now = stamp()
    kept = None if rebuild else _read()
    if kept is not None and kept[1] == now:
        return kept[0]
    if kept is not None and only_added(kept[1], now):
        frame, held = kept
        touched = set(
            Item.objects.filter(pk__gt=held.last_item).values_list("declaration_id", flat=True)
        ) | set(
            Inspection.objects.filter(pk__gt=held.last_outcome).values_list(
                "declaration_id", flat=True
            )
        )
        fresh = item_frame_of(Item.objects.filter(declaration_id__in=touched))
        frame = pl.concat(
            [frame.filter(~pl.col("_pk").is_in(list(touched))), fresh], how="vertical"
        ).sort("_pk", "line_no", maintain_order=True)
        logger.info("history copy: %s declarations added or changed", len(touched))
    else:
        frame = item_frame_of(Item.objects.all())
        logger.info("history copy rebuilt: %s items", frame.height)
    if frame.height != now.items:
        # Written while we read: use what was read, keep no copy that could mislead.
        return frame
    _write(frame, now)
    return frame


def all_items() -> pl.DataFrame:
    """Every stored item, without ``_pk``, in the national currency: from the copy where it
    is kept (``PORTCULLIS_HISTORY_COPY``, on by default; kept as declared, so that a rates
    load needs no new copy), else read from the database."""
    if settings.PORTCULLIS_HISTORY_COPY:
        return national(history_frame().drop("_pk"))
    return national(item_frame_of(Item.objects.all()).drop("_pk"))


def current_scan() -> tuple[pl.LazyFrame, Stamp | None]:
    """The copy, brought up to date, as a lazy scan (read by column, never whole, by a
    serving process: ``engine/features/serving.py``), with what it holds (None when rows
    were written while it was read). A copy that is current is not read here at all; a stale
    one is brought up to date as ``history_frame`` does."""
    now = stamp()
    data = folder() / "items.parquet"
    if recorded() == now:
        try:
            if pl.scan_parquet(data).select(pl.len()).collect().item() == now.items:
                return pl.scan_parquet(data), now
        except (OSError, pl.exceptions.PolarsError):
            pass
    frame = history_frame()
    return frame.lazy(), (now if frame.height == now.items and stamp() == now else None)


def recorded() -> Stamp | None:
    """What the copy on disk says it holds (None: no copy, or an unreadable record)."""
    try:
        return Stamp(**json.loads((folder() / "stamp.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
