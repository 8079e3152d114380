"""Compliance history: smoothed finding rates of traders and goods, computed point in time.

For each subject (importer, declarant, seller, HS6, HS6 × origin, ...) the share of its
inspections that found something, shrunk towards the overall rate by a Beta prior so that a
newcomer with one inspection is neither trusted nor condemned:

    rate = (findings + m · p0) / (inspections + m)

Point in time means a declaration assessed at instant t (its lodging time) sees only outcomes
known at or before t (``known_at``; see ``portcullis.engine.items.known_at``), never later
ones, so that history used for training holds no information from the future. Activity
counts (``importer_declarations``) count declarations lodged strictly before t.

Two ways to attach the figures, which agree where both apply:
- ``point_in_time``: for items anywhere in time (training, backtests), by as-of joins;
- ``snapshot``: for declarations lodged after every known outcome (live assessment), by a
  lookup of the latest totals, plus the declarations earlier in the same batch.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, partial
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features.lookup import Array, KeyedTable
from portcullis.engine.features.table import Lazy
from portcullis.engine.features.tallies import Tallies, TallySubject, tally
from portcullis.engine.features.totals import Totals
from portcullis.engine.features.windows import WINDOW_DAYS, HistoryWindows
from portcullis.engine.items import HEADER_FIELDS, SMALL_FRAME, declaration_starts, per_item


@dataclass(frozen=True, slots=True)
class Subject:
    """What a finding rate is kept for. Header-level subjects count each declaration once."""

    name: str
    keys: tuple[str, ...]
    per_declaration: bool
    model: bool = True  # a feature of the learned model (else for profiles only)


# Measured on KCS 2020 -> 2021-Q1: rates by office, courier, departure country, tax type and
# HS chapter added nothing to precision at 5 or 10 % (0.948 / 0.868 without them, 0.940 /
# 0.866 with), so they are not kept; each costs a lookup per item.
SUBJECTS: tuple[Subject, ...] = (
    Subject("importer", ("importer",), True),
    Subject("declarant", ("declarant",), True),
    Subject("seller", ("seller",), True),
    Subject("hs6", ("hs6",), False),
    Subject("hs4", ("hs_heading",), False),
    Subject("origin", ("origin_country",), False),
    Subject("hs6_origin", ("hs6", "origin_country"), False),
    Subject("hs4_origin", ("hs_heading", "origin_country"), False),
    # For profiles: a national tariff line's own record, where codes are finer than HS6
    # (null for an HS6 code). Not a model feature: KCS codes are HS6, so it would only
    # repeat hs6's figures there, and a model trained on national lines can add it.
    Subject("national_line", ("national_line",), False, model=False),
)
# Traders whose number of earlier declarations is a feature (newcomers are a classic risk).
ACTIVITY: tuple[str, ...] = ("importer", "declarant", "seller")


@dataclass(frozen=True)
class ComplianceSettings:
    subjects: tuple[Subject, ...] = SUBJECTS
    activity: tuple[str, ...] = ACTIVITY
    # Windows over history (features/windows.py), in days.
    windows: tuple[int, ...] = WINDOW_DAYS
    prior_strength: float = 5.0  # m: how many inspections the prior is worth
    # The prior p0 is itself the overall finding rate known at the time, leaning on this
    # base rate until a few outcomes are known.
    base_rate: float = 0.1
    base_strength: float = 10.0


class BeforeReach(ValueError):
    """Items lodged before what a serving history keeps (``since``)."""


def _tallied(settings: ComplianceSettings) -> tuple[TallySubject, ...]:
    return tuple(TallySubject(s.name, s.keys, s.per_declaration) for s in settings.subjects)


class ComplianceHistory:
    """Outcomes and declarations known so far, ready to give each item its figures."""

    def __init__(
        self,
        history: pl.DataFrame | pl.LazyFrame,
        settings: ComplianceSettings | None = None,
        since: datetime | None = None,
        window_items: pl.DataFrame | None = None,
    ) -> None:
        """``history``: items with derived fields and outcome columns (null outcome: not
        inspected, or not yet known). ``since``: keep history by key from then on only
        (serving; see ``tallies``), the windows' items being ``window_items`` when given."""
        self.settings = settings or ComplianceSettings()
        s = self.settings
        self._build(tally(history, _tallied(s), s.activity, s.windows, since, window_items))

    @classmethod
    def of(cls, tallies: Tallies, settings: ComplianceSettings | None = None) -> ComplianceHistory:
        history = cls.__new__(cls)
        history.settings = settings or ComplianceSettings()
        history._build(tallies)
        return history

    def plus(
        self, declarations: pl.DataFrame, outcomes: pl.DataFrame | None = None
    ) -> ComplianceHistory:
        """This history with ``declarations`` added (items lodged after it, with derived
        fields, in the national currency) and the ``outcomes`` of declarations it already
        holds (their items, with the outcome now known): nothing of history read again."""
        s = self.settings
        later = tally(declarations, _tallied(s), s.activity, s.windows)
        if outcomes is not None and outcomes.height:
            known = tally(outcomes, _tallied(s), s.activity, s.windows, window_items=outcomes)
            later = later.plus(known.outcomes_only())
        added = ComplianceHistory.__new__(ComplianceHistory)
        added.settings = s
        added._start(self.tallies.plus(later))
        added.outcomes = self.outcomes + int(later.overall.get_column("_all_n").sum())
        added.findings = self.findings + int(later.overall.get_column("_all_f").sum())
        changes = self._latest(later)
        added._totals = {
            keys: table.plus(changes[keys]) if keys in changes else table
            for keys, table in self._totals.items()
        }
        return added

    def _start(self, tallies: Tallies) -> None:
        """What is made from ``tallies`` alone, whatever the totals."""
        self.tallies, self.since = tallies, tallies.since
        self.windows = HistoryWindows(tallies.window_items, self.settings.windows, tallies.firsts)
        self.latest_known: datetime | None = tallies.overall.get_column("known_at").max()  # type: ignore[assignment]
        self.latest_lodged: datetime | None = tallies.latest_lodged

    def _latest(self, tallies: Tallies) -> dict[tuple[str, ...], pl.DataFrame]:
        """The totals of ``tallies`` by key, one table per key (the importer's findings,
        inspections and declarations are found by one lookup)."""
        by_key: dict[tuple[str, ...], list[pl.DataFrame]] = {}
        for subject in self.settings.subjects:
            found, inspected = f"_{subject.name}_f", f"_{subject.name}_n"
            totals = (
                tallies.outcomes[subject.name]
                .group_by(subject.keys)
                .agg(pl.col(found).sum(), pl.col(inspected).sum())
            )
            by_key.setdefault(subject.keys, []).append(totals)
        for trader in self.settings.activity:
            totals = tallies.activity[trader].group_by(trader).agg(pl.col(f"_{trader}_d").sum())
            by_key.setdefault((trader,), []).append(totals)
        return {keys: _merged(frames, keys) for keys, frames in by_key.items()}

    def _build(self, tallies: Tallies) -> None:
        """The latest totals (for declarations lodged after all of history) from
        ``tallies``; the cumulative tables are made when first needed."""
        self._start(tallies)
        overall = tallies.overall
        self.outcomes = int(overall.get_column("_all_n").sum())
        self.findings = int(overall.get_column("_all_f").sum())
        self._totals = {
            keys: Totals(KeyedTable(frame, keys)) for keys, frame in self._latest(tallies).items()
        }

    # -- cumulative tables, for point-in-time figures -------------------------------------
    # Made on the first items lodged within history (training, backtests, a late submission):
    # a serving process assessing declarations lodged now never needs them.

    @cached_property
    def _settled(self) -> Tallies:
        return self.tallies.settled()

    @cached_property
    def _overall(self) -> pl.DataFrame:
        return self._settled.overall.with_columns(
            pl.col("_all_f").cum_sum(), pl.col("_all_n").cum_sum()
        ).rename({"known_at": "_known_at"})

    @cached_property
    def _cumulative(self) -> dict[str, pl.DataFrame]:
        return {
            s.name: self._settled.outcomes[s.name].with_columns(
                pl.col(f"_{s.name}_f").cum_sum().over(s.keys),
                pl.col(f"_{s.name}_n").cum_sum().over(s.keys),
            )
            for s in self.settings.subjects
        }

    @cached_property
    def _activity(self) -> dict[str, pl.DataFrame]:
        return {
            t: self._settled.activity[t].with_columns(pl.col(f"_{t}_d").cum_sum().over(t))
            for t in self.settings.activity
        }

    # -- attaching -------------------------------------------------------------------------

    def can_snapshot(self, items: pl.DataFrame) -> bool:
        """True when every item was lodged after every outcome became known and after every
        declaration in history: the latest totals are then exactly their point-in-time
        figures."""
        if items.height == 0:
            return True
        first = items.get_column("lodged_at").min()
        return all(
            latest is None or (first is not None and latest < first)  # type: ignore[operator]
            for latest in (self.latest_known, self.latest_lodged)
        )

    def fields(
        self, items: pl.DataFrame, starts: npt.NDArray[np.int64] | None = None
    ) -> dict[str, Array | Lazy]:
        """The compliance fields of ``items`` (with derived fields), point in time: from the
        latest totals when that is exact (``can_snapshot``), else by as-of joins. ``starts``:
        the first row of each declaration, if known."""
        starts = declaration_starts(items) if starts is None else starts
        self._check_reach(items)
        if self.can_snapshot(items):
            counts = self._snapshot(items, starts)
        else:
            counts = self._point_in_time(items)
        present = {trader: _present(items.get_column(trader)) for trader in self.settings.activity}
        return {**self._figures(counts, present), **self.windows.fields(items, starts)}

    def _check_reach(self, items: pl.DataFrame) -> None:
        """Refuse items lodged before ``since``: their figures would not be exact."""
        if self.since is None or items.height == 0:
            return
        first: datetime | None = items.get_column("lodged_at").min()  # type: ignore[assignment]
        if first is None or first < self.since:
            raise BeforeReach(
                f"a declaration lodged at {first} is before {self.since}, from when this "
                "history keeps its figures; it is assessed with the whole history"
            )

    def one(self, rows: list[dict[str, Any]]) -> None:
        """The compliance fields of one declaration's items (dicts with derived fields, in
        place), lodged after all of history (``can_snapshot``): the snapshot's figures, by
        the same formulas, in plain Python (the header's tables looked up once)."""
        if not rows:
            return
        header_tables, item_tables = self._one_plan
        header: dict[str, Any] = {}
        for table in header_tables:
            table.fill(rows[0], header)
        for row in rows:
            row.update(header)
            for table in item_tables:
                table.fill(row, row)

    @cached_property
    def _one_plan(self) -> tuple[list[_Lookup], list[_Lookup]]:
        """The tables, header ones apart, each with the fields it gives: made once."""
        settings = self.settings
        base = settings.base_rate * settings.base_strength
        prior = (float(self.findings) + base) / (float(self.outcomes) + settings.base_strength)
        header: list[_Lookup] = []
        item: list[_Lookup] = []
        for keys, table in self._totals.items():
            position = {name: index for index, name in enumerate(table.values)}
            rates = tuple(
                (
                    position[f"_{s.name}_f"],
                    position[f"_{s.name}_n"],
                    f"{s.name}_finding_rate",
                    f"{s.name}_inspections",
                )
                for s in settings.subjects
                if f"_{s.name}_f" in position
            )
            activity = tuple(
                (position[f"_{t}_d"], t, f"{t}_declarations", f"is_new_{t}")
                for t in settings.activity
                if f"_{t}_d" in position
            )
            lookup = _Lookup(
                operator.itemgetter(*keys), table.index(), rates, activity, prior,
                settings.prior_strength,
            )  # fmt: skip
            (header if all(key in HEADER_FIELDS for key in keys) else item).append(lookup)
        return header, item

    # -- counts ------------------------------------------------------------------------------

    def _snapshot(self, items: pl.DataFrame, starts: npt.NDArray[np.int64]) -> dict[str, Array]:
        """Latest totals; declarations earlier in the same batch count as activity, as they
        would if sent one by one. Header subjects are looked up once per declaration."""
        counts: dict[str, Array] = {
            "_all_f": np.full(items.height, float(self.findings)),
            "_all_n": np.full(items.height, float(self.outcomes)),
        }
        if len(starts) == 1:
            header = None  # one declaration: nothing earlier in the batch, items looked up
        else:
            header_keys = sorted({k for ks in self._totals for k in ks if k in HEADER_FIELDS})
            header = items.select("declaration_id", "lodged_at", *header_keys)
            header = header if len(starts) == items.height else header[starts]
        for keys, table in self._totals.items():
            # A few items are looked up directly; many, by each declaration's header once.
            if (
                header is not None
                and items.height > SMALL_FRAME
                and all(key in HEADER_FIELDS for key in keys)
            ):
                for name, values in table.arrays(header).items():
                    counts[name] = per_item(values, starts, items.height)
            else:
                counts.update(table.arrays(items))
        if header is not None:
            for trader, earlier in _earlier_in_batch(header, self.settings.activity).items():
                counts[f"_{trader}_d"] = counts[f"_{trader}_d"] + per_item(
                    earlier, starts, items.height
                )
        return counts

    def _point_in_time(self, items: pl.DataFrame) -> dict[str, Array]:
        """Cumulative figures as of each item's lodging time, by as-of joins. Items that are
        themselves in history do not count towards their own figures."""
        keys = {k for s in self.settings.subjects for k in s.keys} | set(self.settings.activity)
        frame = items.select("lodged_at", *sorted(keys)).with_row_index("_order").sort("lodged_at")
        frame = frame.join_asof(
            self._overall,
            left_on="lodged_at",
            right_on="_known_at",
            strategy="backward",
            allow_exact_matches=True,
            check_sortedness=False,
        ).drop("_known_at")
        for subject in self.settings.subjects:
            frame = frame.join_asof(
                self._cumulative[subject.name].rename({"known_at": "_known_at"}),
                left_on="lodged_at",
                right_on="_known_at",
                by=list(subject.keys),
                strategy="backward",
                allow_exact_matches=True,  # known at t is usable at t
                check_sortedness=False,
            ).drop("_known_at")
        for trader in self.settings.activity:
            frame = frame.join_asof(
                self._activity[trader].rename({"lodged_at": "_lodged_at"}),
                left_on="lodged_at",
                right_on="_lodged_at",
                by=trader,
                strategy="backward",
                allow_exact_matches=False,  # strictly earlier declarations
                check_sortedness=False,
            ).drop("_lodged_at")
        frame = frame.sort("_order")
        names = [c for c in frame.columns if c.startswith("_") and c != "_order"]
        return {
            name: frame.get_column(name).cast(pl.Float64).fill_null(0.0).to_numpy()
            for name in names
        }

    # -- the figures -------------------------------------------------------------------------

    def _figures(
        self, counts: dict[str, Array], present: dict[str, np.ndarray]
    ) -> dict[str, Array | Lazy]:
        """Numbers as arrays (NaN: not applicable), true/false fields made when read."""
        settings = self.settings
        # Counts are 0 where nothing is known (see _snapshot and _point_in_time).
        prior = (counts["_all_f"] + settings.base_rate * settings.base_strength) / (
            counts["_all_n"] + settings.base_strength
        )
        columns: dict[str, Array | Lazy] = {}
        for subject in settings.subjects:
            findings = counts[f"_{subject.name}_f"]
            inspections = counts[f"_{subject.name}_n"]
            rate = smoothed_rate(findings, inspections, prior, settings.prior_strength)
            columns[f"{subject.name}_finding_rate"] = rate
            columns[f"{subject.name}_inspections"] = inspections
        for trader in settings.activity:
            earlier = np.where(present[trader], counts[f"_{trader}_d"], np.nan)
            columns[f"{trader}_declarations"] = earlier
            columns[f"is_new_{trader}"] = Lazy(partial(_is_new, f"is_new_{trader}", earlier))
        return columns


class _Lookup:
    """One table of latest totals, and the fields it gives an item."""

    def __init__(
        self,
        key: Callable[[Mapping[str, Any]], Any],
        index: Mapping[Any, tuple[float | None, ...]],
        rates: tuple[tuple[int, int, str, str], ...],  # findings, inspections, field names
        activity: tuple[tuple[int, str, str, str], ...],  # declarations, trader, field names
        prior: float,
        strength: float,
    ) -> None:
        self.key, self.index, self.rates, self.activity = key, index, rates, activity
        self.prior, self.strength = prior, strength
        # The fields it gives: each rate's two, then each trader's two.
        self.names = tuple(name for entry in (*rates, *activity) for name in entry[2:])
        # What a key the table lacks (or a missing key: an HS6 code's national line) gives.
        self.absent = {
            given: dict(zip(self.names, self._values(None, given), strict=True))
            for given in (True, False)
        }

    def fill(self, row: Mapping[str, Any], out: dict[str, Any]) -> None:
        """The fields of ``row``'s key into ``out``: ``_values``, unrolled, as this runs for
        every table and item of every submission."""
        key = self.key(row)
        found = self.index.get(key)
        if found is None:
            out.update(self.absent[key is not None])
            return
        strength, weight = self.strength, self.strength * self.prior
        for found_at, inspected_at, rate_name, inspections_name in self.rates:
            findings = found[found_at]
            inspections = found[inspected_at]
            if findings is None:
                findings = 0.0
            if inspections is None:
                inspections = 0.0
            out[rate_name] = (findings + weight) / (inspections + strength)
            out[inspections_name] = inspections
        for declared_at, _, declared_name, new_name in self.activity:
            earlier = found[declared_at]
            if earlier is None:
                earlier = 0.0
            out[declared_name] = earlier
            out[new_name] = earlier == 0

    def _values(self, found: tuple[float | None, ...] | None, present: bool) -> tuple[Any, ...]:
        """The fields' values, in ``names`` order; ``present``: the key was given (for a
        trader's activity, whether there is a trader at all)."""
        strength, prior = self.strength, self.prior
        values: list[Any] = []
        for found_at, inspected_at, _, _ in self.rates:
            findings = _count(found, found_at)
            inspections = _count(found, inspected_at)
            values += [(findings + strength * prior) / (inspections + strength), inspections]
        for declared_at, _, _, _ in self.activity:
            earlier = _count(found, declared_at) if present else None
            values += [earlier, None if earlier is None else earlier == 0]
        return tuple(values)


def _count(found: tuple[float | None, ...] | None, position: int) -> float:
    value = None if found is None else found[position]
    return 0.0 if value is None else value


def _is_new(name: str, earlier: Array) -> pl.Series:
    """True when no earlier declaration, null when no trader was given."""
    is_new = pl.Series(name, earlier == 0)
    missing = np.isnan(earlier)
    return is_new.scatter(np.flatnonzero(missing), None) if missing.any() else is_new


def _present(column: pl.Series) -> npt.NDArray[np.bool_]:
    if len(column) <= SMALL_FRAME:
        return np.array([value is not None for value in column.to_list()], dtype=bool)
    return column.is_not_null().to_numpy()


def smoothed_rate(findings: Array, inspections: Array, prior: Array, strength: float) -> Array:
    """Beta-smoothed finding rate: (findings + m·p0) / (inspections + m)."""
    return (findings + strength * prior) / (inspections + strength)


def _earlier_in_batch(header: pl.DataFrame, traders: tuple[str, ...]) -> dict[str, Array]:
    """Per declaration (one row each in ``header``): declarations of the same trader lodged
    strictly earlier within the batch (ties at the same instant are not earlier, as in
    point-in-time figures)."""
    if header.height <= 1:
        return {trader: np.zeros(header.height) for trader in traders}
    ranked = header.select(
        (pl.col("lodged_at").rank("min").over(trader) - 1).cast(pl.Float64).alias(trader)
        for trader in traders
    )
    return {trader: ranked.get_column(trader).to_numpy() for trader in traders}


def _merged(frames: list[pl.DataFrame], keys: tuple[str, ...]) -> pl.DataFrame:
    merged = frames[0]
    for frame in frames[1:]:
        merged = merged.join(frame, on=list(keys), how="full", coalesce=True)
    return merged.sort(list(keys))
