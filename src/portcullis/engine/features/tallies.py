"""History reduced to counts by key and instant: what the compliance figures are computed from.

A compliance figure at instant t is a count over history up to t (outcomes known by t,
declarations lodged before t). Kept by key and instant, the counts answer any t exactly. A
serving process only assesses declarations lodged from about now on, so it keeps them from an
instant ``since`` on: every count before it is summed into one row per key, dated just before
``since``, which leaves every figure at or after ``since`` exact and makes the tables grow with
the number of keys (traders, goods, origins) rather than with the history. The windows over
history keep the declarations they can reach from ``since`` on (the longest window before
it), and each importer's first declaration.

Tallies add up: the tallies of a history and of declarations and outcomes that came after it
are the tallies of the whole (``plus``), which is how a serving process takes in new
declarations and outcomes without reading history again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from portcullis.engine.features.windows import DAY_US, HISTORY_COLUMNS

_JUST_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class TallySubject:
    """What outcomes are counted by (a subject of compliance.SUBJECTS, here to avoid a cycle)."""

    name: str
    keys: tuple[str, ...]
    per_declaration: bool


@dataclass(frozen=True)
class Tallies:
    """Counts by key and instant (not cumulative), each table sorted by instant unless added
    to (``plus``, ``settled``)."""

    outcomes: dict[str, pl.DataFrame]  # subject -> keys, known_at, _{s}_f, _{s}_n
    activity: dict[str, pl.DataFrame]  # trader -> trader, lodged_at, _{t}_d
    overall: pl.DataFrame  # known_at, _all_f, _all_n
    window_items: pl.DataFrame  # HISTORY_COLUMNS of the declarations the windows reach
    firsts: pl.DataFrame  # importer, first (µs): each importer's first declaration
    latest_lodged: datetime | None  # the latest declaration's lodging instant
    since: datetime | None  # figures are exact for items lodged at or after it (None: always)
    is_settled: bool = True  # one row per key and instant, sorted (see ``settled``)

    def plus(self, later: Tallies) -> Tallies:
        """The tallies of this history and of ``later`` (declarations and outcomes that came
        after it, tallied without ``since``): the tables put end to end, added up by key and
        instant only when read in order (``settled``), which a serving process rarely does."""

        def joined(mine: pl.DataFrame, theirs: pl.DataFrame) -> pl.DataFrame:
            return pl.concat([mine, theirs.select(mine.columns)])

        return Tallies(
            {s: joined(t, later.outcomes[s]) for s, t in self.outcomes.items()},
            {s: joined(t, later.activity[s]) for s, t in self.activity.items()},
            joined(self.overall, later.overall),
            pl.concat([self.window_items, later.window_items.select(HISTORY_COLUMNS)]),
            _earliest(self.firsts, later.firsts),
            max((t for t in (self.latest_lodged, later.latest_lodged) if t), default=None),
            self.since,
            is_settled=False,
        )

    def settled(self) -> Tallies:
        """These tallies with one row per key and instant, each table sorted by instant."""
        if self.is_settled:
            return self

        def added(table: pl.DataFrame, at: str) -> pl.DataFrame:
            keys = [c for c in table.columns if not c.startswith("_")]
            sums = [c for c in table.columns if c.startswith("_")]
            others = [k for k in keys if k != at]
            return table.group_by(keys).agg(pl.col(sums).sum()).sort(at, *others)

        return Tallies(
            {s: added(t, "known_at") for s, t in self.outcomes.items()},
            {s: added(t, "lodged_at") for s, t in self.activity.items()},
            added(self.overall, "known_at"),
            self.window_items,
            self.firsts,
            self.latest_lodged,
            self.since,
        )

    def outcomes_only(self) -> Tallies:
        """These tallies' outcomes alone: for declarations already counted, whose outcome
        came later."""
        return Tallies(
            self.outcomes,
            {t: a.clear() for t, a in self.activity.items()},
            self.overall,
            self.window_items.clear(),
            self.firsts.clear(),
            None,
            self.since,
            self.is_settled,
        )

    def size(self) -> int:
        """Rows kept in all (what a serving process's memory grows with)."""
        tables = [*self.outcomes.values(), *self.activity.values(), self.overall]
        return sum(t.height for t in tables) + self.window_items.height + self.firsts.height


def _earliest(firsts: pl.DataFrame, later: pl.DataFrame) -> pl.DataFrame:
    """Each importer's first declaration, ``later``'s counted: only the importers whose first
    it changes are replaced (a few among hundreds of thousands)."""
    earlier = later.join(firsts, on="importer", how="left", suffix="_kept").filter(
        pl.col("first_kept").is_null() | (pl.col("first") < pl.col("first_kept"))
    )
    if earlier.height == 0:
        return firsts
    changed = earlier.select("importer", "first")
    return pl.concat([firsts.join(changed, on="importer", how="anti"), changed])


def tally(
    history: pl.DataFrame | pl.LazyFrame,
    subjects: tuple[TallySubject, ...],
    traders: tuple[str, ...],
    window_days: tuple[int, ...],
    since: datetime | None = None,
    window_items: pl.DataFrame | None = None,
) -> Tallies:
    """The tallies of ``history`` (items with derived fields and outcome columns; of a lazy
    frame only the columns the counts need are read). ``since``: sum everything earlier
    into one row per key. ``window_items``: the items the windows reach, when the caller has
    them ready (in the national currency); else taken from ``history``."""
    lazy = history.lazy()
    keys = sorted({k for s in subjects for k in s.keys} | set(traders))
    lazy = lazy.select("declaration_id", "lodged_at", "finding", "known_at", *keys)
    outcomes = lazy.filter(pl.col("finding").is_not_null()).with_columns(
        _before(pl.col("known_at"), since)
    )
    per_declaration = outcomes.unique("declaration_id", keep="first", maintain_order=True)
    declarations = lazy.unique("declaration_id", keep="first", maintain_order=True)
    plans: list[pl.LazyFrame] = [
        per_declaration.group_by("known_at").agg(
            pl.col("finding").sum().cast(pl.Int64).alias("_all_f"), pl.len().alias("_all_n")
        )
    ]
    for subject in subjects:
        rows = per_declaration if subject.per_declaration else outcomes
        plans.append(
            rows.select(*subject.keys, "known_at", "finding")
            .drop_nulls(list(subject.keys))
            .group_by(*subject.keys, "known_at")
            .agg(
                pl.col("finding").sum().cast(pl.Int64).alias(f"_{subject.name}_f"),
                pl.len().alias(f"_{subject.name}_n"),
            )
        )
    for trader in traders:
        plans.append(
            declarations.select(trader, _before(pl.col("lodged_at"), since))
            .drop_nulls(trader)
            .group_by(trader, "lodged_at")
            .agg(pl.len().alias(f"_{trader}_d"))
        )
    plans.append(
        lazy.filter(pl.col("importer").is_not_null())
        .group_by("importer")
        .agg(pl.col("lodged_at").min().dt.epoch("us").alias("first"))
    )
    plans.append(lazy.select(pl.col("lodged_at").max()))
    if window_items is None:
        reach = window_reach(since, window_days)
        wanted = history.lazy().select(HISTORY_COLUMNS)
        plans.append(wanted if reach is None else wanted.filter(pl.col("lodged_at") >= reach))
    frames = pl.collect_all(plans)
    overall, counted = frames[0], frames[1 : 1 + len(subjects)]
    active = frames[1 + len(subjects) : 1 + len(subjects) + len(traders)]
    firsts, latest = frames[1 + len(subjects) + len(traders) : 3 + len(subjects) + len(traders)]
    items = frames[-1] if window_items is None else window_items.select(HISTORY_COLUMNS)
    return Tallies(
        {s.name: t.sort("known_at", *s.keys) for s, t in zip(subjects, counted, strict=True)},
        {t: a.sort("lodged_at", t) for t, a in zip(traders, active, strict=True)},
        overall.sort("known_at"),
        items,
        firsts.cast({"first": pl.Int64}).sort("importer"),
        latest.item() if latest.height else None,
        since,
    )


def window_reach(since: datetime | None, window_days: tuple[int, ...]) -> datetime | None:
    """The earliest lodging instant a window can reach from ``since`` on."""
    if since is None:
        return None
    longest = max(window_days, default=0)
    return since - timedelta(microseconds=longest * DAY_US)


def _before(column: pl.Expr, since: datetime | None) -> pl.Expr:
    """An instant, or for one before ``since`` the instant just before it (so that the counts
    before ``since`` fall into one row per key, which every later instant sees)."""
    name = column.meta.output_name()
    if since is None:
        return column
    return pl.when(column < since).then(pl.lit(since - _JUST_BEFORE)).otherwise(column).alias(name)
