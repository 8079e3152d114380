"""Evaluating many profiles over an item frame by looking only where each can match.

Most profiles name an HS code prefix, an origin or a trader they target (their anchors,
conditions every hit must pass), and often a threshold (``valuation_z < -3``). In a batch,
items are sorted by a profile's most selective anchor, each anchor value's items found by
binary search, and each group of profiles sharing an anchor value is evaluated, in one Polars
call, on just those items; profiles without an anchor are evaluated on every item. A small
frame (one declaration from the API) keeps the profiles all of whose anchors and thresholds
some of its items can satisfy, and evaluates them in one call. Both ways run the same
compiled expressions and give the same hits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features.table import Features
from portcullis.engine.items import SMALL_FRAME
from portcullis.engine.rules.compiler import Anchor, Threshold, best_anchor

_HS_UPPER = ":"  # sorts after every digit: prefix..prefix+":" spans the codes it starts
_HIT_SCHEMA = {"row": pl.UInt32, "profile": pl.UInt32}
Rows = npt.NDArray[np.int64]


def _empty_hits() -> pl.DataFrame:
    return pl.DataFrame(schema=_HIT_SCHEMA)


@dataclass(frozen=True)
class IndexEntry:
    """A compiled profile as the index sees it."""

    expression: pl.Expr
    fields: tuple[str, ...]
    anchors: tuple[Anchor, ...] = ()
    thresholds: tuple[Threshold, ...] = ()


class ProfileIndex:
    def __init__(self, profiles: Sequence[IndexEntry]) -> None:
        self._expressions = [entry.expression for entry in profiles]
        self._fields = [entry.fields for entry in profiles]
        self.fields: set[str] = {name for names in self._fields for name in names}
        self._unanchored: list[int] = []
        self._by_value: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._prefix_lengths: set[int] = set()
        # What a small frame's candidates must still be checked against: the anchors other
        # than the one the candidate was found by, and the thresholds.
        self._checks: list[tuple[tuple[Anchor, ...], tuple[Threshold, ...]]] = []
        for position, entry in enumerate(profiles):
            anchor = best_anchor(entry.anchors)
            others = tuple(a for a in entry.anchors if a is not anchor)
            self._checks.append((others, entry.thresholds))
            if anchor is None:
                self._unanchored.append(position)
                continue
            for value in dict.fromkeys(anchor.values):
                self._by_value[anchor.field][value].append(position)
                if anchor.prefix:
                    self._prefix_lengths.add(len(value))

    def hits(self, features: Features) -> pl.DataFrame:
        """(row, profile) for every hit, sorted."""
        if not self._expressions or features.height == 0:
            return _empty_hits()
        if features.height <= SMALL_FRAME:
            candidates = self._candidates(features)
            if not candidates:
                return _empty_hits()
            names = {name for p in candidates for name in self._fields[p]}
            # One evaluation of ascending profiles: its hits are already unique and in order.
            return self._evaluate(features.polars(names), None, candidates)
        found = list(self._partitioned(features))
        hits = pl.DataFrame(
            {
                "row": np.concatenate([rows for rows, _ in found]),
                "profile": np.concatenate([profiles for _, profiles in found]),
            },
            schema=_HIT_SCHEMA,
        )
        return hits.unique().sort("row", "profile")

    def _candidates(self, features: Features) -> list[int]:
        """The profiles every necessary condition of which some item of a few can satisfy.

        The conditions are checked with plain set lookups and array comparisons, never by
        evaluating criteria: a profile that passes still has its compiled expression
        evaluated, so this only spares the evaluation of profiles that cannot hit."""
        frame = features.frame
        present: dict[str, set[str]] = {}

        def values_of(name: str) -> set[str]:
            """The field's values in the frame (for the HS code: every prefix of them)."""
            if name not in present:
                values = {v for v in frame.get_column(name).to_list() if v is not None}
                if name == "hs_code":
                    values = {code[:n] for code in values for n in range(1, len(code) + 1)}
                present[name] = values
            return present[name]

        chosen: set[int] = set(self._unanchored)
        for field_name, by_value in self._by_value.items():
            for value in values_of(field_name) & by_value.keys():
                chosen.update(by_value[value])
        highest: dict[str, float] = {}
        lowest: dict[str, float] = {}
        kept = []
        for position in sorted(chosen):
            anchors, thresholds = self._checks[position]
            if all(not values_of(a.field).isdisjoint(a.values) for a in anchors) and all(
                _can_pass(t, features, highest, lowest) for t in thresholds
            ):
                kept.append(position)
        return kept

    def _evaluate(
        self, subset: pl.DataFrame, rows: Rows | None, profiles: Sequence[int]
    ) -> pl.DataFrame:
        """Hits of ``profiles`` in ``subset``; ``rows`` gives the frame row of each of its
        rows (None: the subset is the frame)."""
        found_rows, found_profiles = self._evaluate_arrays(subset, rows, profiles)
        return pl.DataFrame({"row": found_rows, "profile": found_profiles}, schema=_HIT_SCHEMA)

    def _evaluate_arrays(
        self, subset: pl.DataFrame, rows: Rows | None, profiles: Sequence[int]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
        if not profiles or subset.height == 0:
            return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint32)
        # The row number makes criteria that read no field ("1 < 2") one value per item.
        matrix = subset.select(
            pl.int_range(pl.len()).alias("_row"),
            *(self._expressions[p].alias(f"p{i}") for i, p in enumerate(profiles)),
        ).to_numpy()[:, 1:]
        local_rows, local_profiles = np.nonzero(matrix.astype(bool))
        global_rows = local_rows if rows is None else rows[local_rows]
        return (
            global_rows.astype(np.uint32),
            np.asarray(profiles, dtype=np.uint32)[local_profiles],
        )

    def _partitioned(
        self, features: Features
    ) -> Iterable[tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]]:
        # The row number keeps the frame's height even when no profile reads a field.
        frame = features.polars(self.fields).select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
            *sorted(self.fields | set(self._by_value)),
        )
        yield self._evaluate_arrays(frame, None, self._unanchored)
        for field_name, by_value in self._by_value.items():
            yield from self._by_anchor(frame, field_name, by_value)

    def _by_anchor(
        self, frame: pl.DataFrame, field_name: str, by_value: dict[str, list[int]]
    ) -> Iterable[tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]]:
        """The items whose anchor field can match, sorted by it: each anchor value's items are
        then one contiguous, zero-copy slice, found by binary search."""
        values = list(by_value)
        column = pl.col(field_name)
        if field_name == "hs_code":
            lengths = sorted({len(v) for v in values})
            can_match = pl.any_horizontal(
                column.str.slice(0, n).is_in([v for v in values if len(v) == n]) for n in lengths
            )
        else:
            can_match = column.is_in(values)
        profiles = {p for group in by_value.values() for p in group}
        names = sorted({field_name, *(n for p in profiles for n in self._fields[p])})
        ordered = frame.select("_row", *names).filter(can_match).sort(field_name)
        if ordered.height == 0:
            return
        rows = ordered.get_column("_row").to_numpy().astype(np.int64)
        present = ordered.get_column(field_name)
        lows = present.search_sorted(pl.Series(values), side="left").to_numpy()
        if field_name == "hs_code":  # a prefix spans the codes that start with it
            uppers = pl.Series([value + _HS_UPPER for value in values])
            highs = present.search_sorted(uppers, side="left").to_numpy()
        else:
            highs = present.search_sorted(pl.Series(values), side="right").to_numpy()
        for value, low, high in zip(values, lows, highs, strict=True):
            if high > low:
                subset = ordered.slice(int(low), int(high - low))
                yield self._evaluate_arrays(subset, rows[low:high], by_value[value])


def _can_pass(
    threshold: Threshold, features: Features, highest: dict[str, float], lowest: dict[str, float]
) -> bool:
    """Whether some item can pass ``threshold``: its largest (or smallest) value does."""
    name = threshold.field
    if name not in highest:
        values = features.numbers(name)
        known = values[~np.isnan(values)]
        highest[name] = float(known.max()) if len(known) else np.nan
        lowest[name] = float(known.min()) if len(known) else np.nan
    extreme = highest[name] if threshold.op in (">", ">=") else lowest[name]
    return threshold.passed_by_value(extreme)
