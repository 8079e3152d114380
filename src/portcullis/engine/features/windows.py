"""Windows over history: what a trader did in the days before a declaration, point in time.

For each subject (the importer; the importer within the item's HS chapter) and each window
of N days: the declarations, goods items, distinct sellers and total customs value (national
currency) lodged in the N days before the declaration, strictly earlier than it (two
declarations lodged at the same instant do not count each other, as for the activity
counts); and the days since the importer's first declaration.

History and the batch being assessed are one stream: declarations earlier in the same batch
count, as they would if sent one by one. Counts, items and value are differences of
cumulative sums, C(t) − C(t − N), read by as-of joins (a batch) or binary searches (one
declaration). Distinct sellers are not a sum: each (subject, seller) pair is active for N
days after each of its declarations; merged into disjoint runs, the sellers active at t are
the runs started before t less the runs ended before t, both cumulative counts again.

The figures are computed only when something reads them (a profile), since a batch pays
about one join per window for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.catalogue import DAYS_SINCE_FIRST as FIRST_FIELD
from portcullis.engine.catalogue import WINDOW_MEASURES as MEASURES
from portcullis.engine.catalogue import window_field
from portcullis.engine.features.lookup import Array
from portcullis.engine.features.table import OnDemand
from portcullis.engine.items import SMALL_FRAME, per_item

DAY_US = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
WINDOW_DAYS: tuple[int, ...] = (7, 30, 90)
_SUMS = ("declarations", "items", "value")


@dataclass(frozen=True, slots=True)
class WindowSubject:
    name: str
    keys: tuple[str, ...]


WINDOW_SUBJECTS: tuple[WindowSubject, ...] = (
    WindowSubject("importer", ("importer",)),
    WindowSubject("importer_chapter", ("importer", "hs_chapter")),
)
HISTORY_COLUMNS = (
    "declaration_id", "lodged_at", "importer", "seller", "hs_chapter", "customs_value",
)  # fmt: skip


def window_fields(days: tuple[int, ...] = WINDOW_DAYS) -> list[str]:
    names = [window_field(s.name, m, n) for s in WINDOW_SUBJECTS for n in days for m in MEASURES]
    return [*names, FIRST_FIELD]


def _grain(items: pl.DataFrame, subject: WindowSubject) -> pl.DataFrame:
    """One row per declaration (per declaration and chapter for the chapter subject): its
    keys, lodging instant ``t`` (µs), seller, number of items and value."""
    return (
        items.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in subject.keys))
        .group_by("declaration_id", *subject.keys, maintain_order=True)
        .agg(
            pl.col("lodged_at").first().dt.epoch("us").alias("t"),
            pl.col("seller").first(),
            pl.len().cast(pl.Float64).alias("items"),
            pl.col("customs_value").fill_null(0.0).sum().cast(pl.Float64).alias("value"),
        )
    )


def _cumulative(rows: pl.DataFrame, keys: list[str], by_time: bool = True) -> pl.DataFrame:
    """Per subject and instant, the declarations, items and value up to and including it,
    sorted by instant (as the as-of join wants; ``by_time`` False: by subject and instant)."""
    cumulative = (
        rows.group_by(*keys, "t")
        .agg(
            pl.len().cast(pl.Float64).alias("declarations"),
            pl.col("items").sum(),
            pl.col("value").sum(),
        )
        .sort(*keys, "t")
        .with_columns(_cum_sum_within(m, keys) for m in _SUMS)
    )
    return cumulative.sort("t") if by_time else cumulative


def _first_of(keys: list[str]) -> pl.Expr:
    """True on the first row of each run of equal keys (the frame sorted by them)."""
    return pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys).fill_null(True)


def _cum_sum_within(column: str, keys: list[str]) -> pl.Expr:
    """A cumulative sum restarting at each subject, the frame sorted by subject: the running
    total less the total before the subject's first row (``over`` costs ten times more with
    many subjects)."""
    running = pl.col(column).cum_sum()
    before = pl.when(_first_of(keys)).then(running - pl.col(column)).forward_fill()
    return (running - before).alias(column)


def _runs(
    rows: pl.DataFrame, keys: list[str], days: int, by_time: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The (subject, seller) activity runs of a window: cumulative counts of run starts and of
    run ends per subject and instant, each sorted by instant (or by subject and instant)."""
    span = days * DAY_US
    pairs = rows.filter(pl.col("seller").is_not_null()).select(*keys, "seller", "t").unique()
    # A run starts at a pair's first declaration and after each gap longer than the window.
    pairs = pairs.sort(*keys, "seller", "t").with_columns(
        (_first_of([*keys, "seller"]) | (pl.col("t") - pl.col("t").shift(1) > span))
        .cum_sum()
        .alias("_run")
    )
    runs = pairs.group_by("_run").agg(
        *(pl.col(k).first() for k in keys),
        pl.col("t").min().alias("start"),
        (pl.col("t").max() + span).alias("end"),
    )

    def counted(column: str) -> pl.DataFrame:
        return (
            runs.group_by(*keys, column)
            .agg(pl.len().cast(pl.Float64).alias(f"_{column}s"))
            .sort(*keys, column)
            .with_columns(_cum_sum_within(f"_{column}s", keys))
            .rename({column: "t"})
        )

    starts, ends = counted("start"), counted("end")
    return (starts.sort("t"), ends.sort("t")) if by_time else (starts, ends)


def _before(query: pl.DataFrame, table: pl.DataFrame, keys: list[str], at: pl.Expr) -> pl.DataFrame:
    """``table``'s cumulative columns as they stood strictly before instant ``at`` of each
    query row (0 where nothing was), in the query's order."""
    values = [c for c in table.columns if c not in (*keys, "t")]
    left = query.select(*keys, at.alias("t")).with_row_index("_order").sort("t")
    joined = left.join_asof(
        table,
        on="t",
        by=keys,
        strategy="backward",
        allow_exact_matches=False,
        check_sortedness=False,
    ).sort("_order")
    return joined.select(pl.col(v).fill_null(0.0) for v in values)


class HistoryWindows:
    """Declarations known so far, ready to give items their windows over history."""

    def __init__(
        self,
        history: pl.DataFrame,
        days: tuple[int, ...] = WINDOW_DAYS,
        firsts: pl.DataFrame | None = None,
    ) -> None:
        """``history``: items with derived fields (``customs_value`` national), all of them
        or those the windows can reach; ``firsts``: each importer's first declaration
        (``importer``, ``first`` in µs), when ``history`` is not all of it."""
        self.days = days
        # Nothing is prepared until a profile reads a window: most contexts (training,
        # drift, a backtest of other fields) never do.
        self._history = history.select(HISTORY_COLUMNS)
        self._firsts = firsts
        self._index: dict[str, _Index] = {}
        self._first_index: dict[str, int] | None = None

    @cached_property
    def _rows(self) -> dict[str, pl.DataFrame]:
        return {s.name: _grain(self._history, s) for s in WINDOW_SUBJECTS}

    @cached_property
    def _first(self) -> pl.DataFrame:
        if self._firsts is not None:
            return self._firsts
        return self._rows["importer"].group_by("importer").agg(pl.col("t").min().alias("first"))

    @cached_property
    def latest(self) -> int | None:
        """The latest instant (µs) of a declaration that can count (one with an importer)."""
        rows = self._rows["importer"]
        return int(rows.get_column("t").max()) if rows.height else None  # type: ignore[arg-type]

    def names(self) -> list[str]:
        return window_fields(self.days)

    def prepare(self, fields: Iterable[str]) -> None:
        """Build now what one declaration reading ``fields`` would otherwise build on the
        first call (seconds over a large history): a serving process does it while it
        refreshes, so that no request waits for it."""
        wanted = set(fields)
        for subject in WINDOW_SUBJECTS:
            names = {window_field(subject.name, m, n) for n in self.days for m in MEASURES}
            if names & wanted and subject.name not in self._index:
                self._index[subject.name] = _Index(self._rows[subject.name], subject, self.days)
        if FIRST_FIELD in wanted and self._first_index is None:
            self._first_index = dict(self._first.iter_rows())

    # -- attaching -------------------------------------------------------------------------

    def fields(self, items: pl.DataFrame, starts: npt.NDArray[np.int64]) -> dict[str, OnDemand]:
        """The window fields of ``items``, each made when read (all of a subject at once)."""
        made: dict[str, dict[str, Array]] = {}

        def block(subject: WindowSubject) -> dict[str, Array]:
            if subject.name not in made:
                made[subject.name] = self._subject(items, starts, subject)
            return made[subject.name]

        columns: dict[str, OnDemand] = {}
        for subject in WINDOW_SUBJECTS:
            for days in self.days:
                for measure in MEASURES:
                    name = window_field(subject.name, measure, days)
                    columns[name] = OnDemand(partial(_pick, name, partial(block, subject)))
        columns[FIRST_FIELD] = OnDemand(
            partial(_pick, FIRST_FIELD, partial(self._days_since_first, items, starts))
        )
        return columns

    def _one_declaration(self, items: pl.DataFrame, starts: npt.NDArray[np.int64]) -> int | None:
        """The lodging instant (µs) of a single declaration lodged after all of history, else
        None. For one, binary searches in a per-subject index stand in for joins (nothing
        else in the batch can count), in plain Python: a Polars call costs more than the
        search."""
        if len(starts) != 1 or items.height > SMALL_FRAME:
            return None
        lodged = items.get_column("lodged_at")[0]
        if lodged is None:
            return None
        t = (lodged - _EPOCH) // _MICROSECOND
        return t if self.latest is None or self.latest < t else None

    def _subject(
        self, items: pl.DataFrame, starts: npt.NDArray[np.int64], subject: WindowSubject
    ) -> dict[str, Array]:
        t = self._one_declaration(items, starts)
        if t is not None:
            return self._searched(items, subject, t)
        query = _grain(items, subject)
        values = self._joined(query, subject)
        # Back to items: by declaration (and chapter); items without keys get NaN.
        keys = ["declaration_id", *subject.keys]
        frame = pl.DataFrame(values)
        joined = items.select(keys).join(
            pl.concat([query.select(keys), frame], how="horizontal"),
            on=keys,
            how="left",
            maintain_order="left",
        )
        return {
            name: joined.get_column(name).cast(pl.Float64).fill_null(np.nan).to_numpy()
            for name in values
        }

    def _joined(self, query: pl.DataFrame, subject: WindowSubject) -> dict[str, Array]:
        """Any batch: history (of the batch's subjects, in the span the windows reach, less
        the batch's own declarations) and the batch as one stream, read by as-of joins."""
        keys = list(subject.keys)
        reach = max(self.days) * DAY_US
        history = self._rows[subject.name]
        if query.height:
            low = int(query.get_column("t").min()) - reach  # type: ignore[arg-type]
            high = int(query.get_column("t").max())  # type: ignore[arg-type]
            history = (
                history.filter(pl.col("t").is_between(low, high, closed="both"))
                .join(query.select(keys).unique(), on=keys, how="semi")
                .join(query.select("declaration_id"), on="declaration_id", how="anti")
            )
        stream = pl.concat([history, query.select(history.columns)])
        cumulative = _cumulative(stream, keys)
        now = _before(query, cumulative, keys, pl.col("t"))
        out: dict[str, Array] = {}
        for days in self.days:
            span = days * DAY_US
            then = _before(query, cumulative, keys, pl.col("t") - span)
            for measure in _SUMS:
                # Differences of running totals: money rounded to the cent they were in.
                difference = (now.get_column(measure) - then.get_column(measure)).to_numpy()
                out[window_field(subject.name, measure, days)] = np.round(difference, 2)
            starts, ends = _runs(stream, keys, days)
            started = _before(query, starts, keys, pl.col("t")).to_series().to_numpy()
            ended = _before(query, ends, keys, pl.col("t")).to_series().to_numpy()
            out[window_field(subject.name, "sellers", days)] = started - ended
        return out

    def _searched(self, items: pl.DataFrame, subject: WindowSubject, t: int) -> dict[str, Array]:
        """One declaration lodged at ``t``: each subject's history found in a dictionary,
        counted by binary search; the same formula as ``_joined``."""
        key_lists = [items.get_column(k).to_list() for k in subject.keys]
        keys = key_lists[0] if len(key_lists) == 1 else list(zip(*key_lists, strict=True))
        names, figures = self._figures_of(keys, subject, t)
        out = np.full((items.height, len(names)), np.nan)
        for row, found in enumerate(figures):
            if found is not None:
                out[row] = found
        return {name: out[:, position] for position, name in enumerate(names)}

    def _figures_of(
        self, keys: list[Any], subject: WindowSubject, t: int
    ) -> tuple[list[str], list[list[float] | None]]:
        """The subject's window fields (names) and each key's figures at ``t`` (None for a
        key with a part missing)."""
        index = self._index.get(subject.name)
        if index is None:
            index = self._index[subject.name] = _Index(self._rows[subject.name], subject, self.days)
        names = [window_field(subject.name, m, n) for n in self.days for m in MEASURES]
        known: dict[Any, list[float]] = {}
        figures: list[list[float] | None] = []
        for key in keys:
            if key is None or (isinstance(key, tuple) and None in key):
                figures.append(None)
                continue
            if key not in known:
                known[key] = index.figures(key, t, self.days) or [0.0] * len(names)
            figures.append(known[key])
        return names, figures

    def one(self, rows: list[dict[str, Any]], t: int) -> OneWindows:
        """For one declaration's items lodged at ``t`` (µs), after all of history: each
        window field's values, item by item, made when asked for (a subject's together)."""
        return OneWindows(self, rows, t)

    @cached_property
    def one_fields(self) -> dict[str, WindowSubject | None]:
        """Every window field, with the subject it counts (None: days since the first)."""
        fields: dict[str, WindowSubject | None] = {
            window_field(subject.name, measure, days): subject
            for subject in WINDOW_SUBJECTS
            for days in self.days
            for measure in MEASURES
        }
        fields[FIRST_FIELD] = None
        return fields

    def _days_since_first_of_one(self, rows: list[dict[str, Any]], t: int) -> list[float | None]:
        if self._first_index is None:
            self._first_index = dict(self._first.iter_rows())
        importer = rows[0]["importer"] if rows else None
        days = None
        if importer is not None:
            days = float((t - min(self._first_index.get(importer, t), t)) // DAY_US)
        return [days] * len(rows)

    def _days_since_first(
        self, items: pl.DataFrame, starts: npt.NDArray[np.int64]
    ) -> dict[str, Array]:
        one = self._one_declaration(items, starts)
        if one is not None:
            if self._first_index is None:
                self._first_index = dict(self._first.iter_rows())
            importer = items.get_column("importer")[0]
            days = np.nan
            if importer is not None:
                days = float((one - min(self._first_index.get(importer, one), one)) // DAY_US)
            return {FIRST_FIELD: np.full(items.height, days)}
        header = items.select("declaration_id", "importer", "lodged_at")[starts]
        t = header.get_column("lodged_at").dt.epoch("us").cast(pl.Float64).to_numpy()
        batch_first = header.group_by("importer").agg(
            pl.col("lodged_at").min().dt.epoch("us").alias("batch")
        )
        firsts = (
            header.select("importer")
            .join(self._first, on="importer", how="left", maintain_order="left")
            .join(batch_first, on="importer", how="left", maintain_order="left")
        )
        first = (
            firsts.select(pl.min_horizontal("first", "batch"))
            .to_series()
            .cast(pl.Float64)
            .to_numpy()
        )
        missing = header.get_column("importer").is_null().to_numpy()
        elapsed = np.where(missing, np.nan, np.floor((t - first) / DAY_US))
        return {FIRST_FIELD: per_item(elapsed, starts, items.height)}


class _Index:
    """One subject's history for binary searches: every subject's instants with cumulative
    sums, and per window the starts and ends of its sellers' runs, each sorted by subject
    and instant, with each subject's bounds."""

    def __init__(self, rows: pl.DataFrame, subject: WindowSubject, days: tuple[int, ...]) -> None:
        keys = list(subject.keys)
        cumulative = _cumulative(rows, keys, by_time=False)
        self.bounds = _bounds(cumulative, keys)
        self.t = cumulative.get_column("t").to_numpy()
        self.sums = cumulative.select(_SUMS).to_numpy()
        self.runs: dict[int, tuple[_Sorted, _Sorted]] = {}
        for window in days:
            starts, ends = _runs(rows, keys, window, by_time=False)
            self.runs[window] = (_Sorted(starts, keys), _Sorted(ends, keys))

    def figures(self, key: Any, t: int, days: tuple[int, ...]) -> list[float] | None:
        bounds = self.bounds.get(key)
        if bounds is None:
            return None
        now = _at(self.t, self.sums, bounds, t)
        figures: list[float] = []
        for window in days:
            then = _at(self.t, self.sums, bounds, t - window * DAY_US)
            starts, ends = self.runs[window]
            sellers = starts.before(key, t) - ends.before(key, t)
            declarations, items, value = np.round(now - then, 2).tolist()
            figures.extend((declarations, items, sellers, value))
        return figures


class _Sorted:
    """A cumulative count by subject and instant, for binary searches."""

    def __init__(self, frame: pl.DataFrame, keys: list[str]) -> None:
        self.bounds = _bounds(frame, keys)
        self.t = frame.get_column("t").to_numpy()
        self.counts = frame.select(frame.columns[-1]).to_numpy()

    def before(self, key: Any, t: int) -> float:
        bounds = self.bounds.get(key)
        return 0.0 if bounds is None else float(_at(self.t, self.counts, bounds, t)[0])


def _bounds(frame: pl.DataFrame, keys: list[str]) -> dict[Any, tuple[int, int]]:
    """Each subject's first and past-last row in ``frame`` (sorted by subject)."""
    spans = (
        frame.select(keys)
        .with_row_index("_row")
        .group_by(keys, maintain_order=True)
        .agg(pl.col("_row").min().alias("lo"), (pl.col("_row").max() + 1).alias("hi"))
    )
    key_lists = [spans.get_column(k).to_list() for k in keys]
    subjects = key_lists[0] if len(keys) == 1 else list(zip(*key_lists, strict=True))
    return dict(
        zip(
            subjects,
            zip(spans.get_column("lo").to_list(), spans.get_column("hi").to_list(), strict=True),
            strict=True,
        )
    )


def _at(
    times: npt.NDArray[Any], sums: npt.NDArray[Any], bounds: tuple[int, int], t: int
) -> npt.NDArray[Any]:
    """The cumulative row strictly before instant ``t`` within ``bounds`` (zeros if none)."""
    lo, hi = bounds
    position = lo + int(np.searchsorted(times[lo:hi], t, side="left"))
    return sums[position - 1] if position > lo else np.zeros(sums.shape[1])


def _pick(name: str, block: Callable[[], dict[str, Array]]) -> pl.Series:
    return pl.Series(name, block()[name], dtype=pl.Float64, nan_to_null=True)


class OneWindows:
    """The window fields of one declaration's items, each subject's made when first read."""

    def __init__(self, windows: HistoryWindows, rows: list[dict[str, Any]], t: int) -> None:
        self.windows, self.rows, self.t = windows, rows, t
        self._made: dict[str, dict[str, list[float | None]]] = {}

    def make(self, name: str) -> list[float | None]:
        windows, rows = self.windows, self.rows
        subject = windows.one_fields[name]
        if subject is None:
            return windows._days_since_first_of_one(rows, self.t)
        if subject.name not in self._made:
            keys = [
                row[subject.keys[0]]
                if len(subject.keys) == 1
                else tuple(row[k] for k in subject.keys)
                for row in rows
            ]
            names, figures = windows._figures_of(keys, subject, self.t)
            self._made[subject.name] = {
                field: [None if f is None else f[position] for f in figures]
                for position, field in enumerate(names)
            }
        return self._made[subject.name][name]
