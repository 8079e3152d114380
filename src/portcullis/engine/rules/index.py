"""Evaluating many profiles over an item frame by looking only where each can match.

Most profiles name an HS code prefix, an origin or a trader they target (their anchor, a
condition every hit must pass). Items are located per anchor value (a binary search in the
HS-sorted items, a hash partition for the others) and each group of profiles sharing an
anchor value is evaluated, in one Polars call, on just those items. Profiles without an
anchor are evaluated on every item. A small frame (one declaration from the API) takes the
union of the profiles its items can match and evaluates them in one call. Both ways run the
same compiled expressions and give the same hits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features.table import Features
from portcullis.engine.items import SMALL_FRAME
from portcullis.engine.rules.compiler import Anchor

_HS_UPPER = ":"  # sorts after every digit: prefix..prefix+":" spans the codes it starts
_HIT_SCHEMA = {"row": pl.UInt32, "profile": pl.UInt32}
Rows = npt.NDArray[np.int64]


def _empty_hits() -> pl.DataFrame:
    return pl.DataFrame(schema=_HIT_SCHEMA)


class ProfileIndex:
    def __init__(self, profiles: Sequence[tuple[pl.Expr, Anchor | None, tuple[str, ...]]]) -> None:
        self._expressions = [expression for expression, _, _ in profiles]
        self._fields = [names for _, _, names in profiles]
        self.fields: set[str] = {name for names in self._fields for name in names}
        self._unanchored: list[int] = []
        self._by_value: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._prefix_lengths: set[int] = set()
        for position, (_, anchor, _) in enumerate(profiles):
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
            candidates = self._candidates(features.frame)
            if not candidates:
                return _empty_hits()
            names = {name for p in candidates for name in self._fields[p]}
            # One evaluation of ascending profiles: its hits are already unique and in order.
            return self._evaluate(features.polars(names), None, candidates)
        found = list(self._partitioned(features))
        return pl.concat([_empty_hits(), *found]).unique().sort("row", "profile")

    def _candidates(self, frame: pl.DataFrame) -> list[int]:
        """The profiles whose anchor the few rows of ``frame`` can satisfy."""
        chosen: set[int] = set(self._unanchored)
        for field_name, by_value in self._by_value.items():
            values = set(frame.get_column(field_name).to_list())
            if field_name == "hs_code":
                values = {
                    code[:length] for code in values if code for length in self._prefix_lengths
                }
            for value in values:
                chosen.update(by_value.get(value, ()))
        return sorted(chosen)

    def _evaluate(
        self, subset: pl.DataFrame, rows: Rows | None, profiles: Sequence[int]
    ) -> pl.DataFrame:
        """Hits of ``profiles`` in ``subset``; ``rows`` gives the frame row of each of its
        rows (None: the subset is the frame)."""
        if not profiles or subset.height == 0:
            return _empty_hits()
        # The row number makes criteria that read no field ("1 < 2") one value per item.
        matrix = subset.select(
            pl.int_range(pl.len()).alias("_row"),
            *(self._expressions[p].alias(f"p{i}") for i, p in enumerate(profiles)),
        ).to_numpy()[:, 1:]
        local_rows, local_profiles = np.nonzero(matrix.astype(bool))
        global_rows = local_rows if rows is None else rows[local_rows]
        return pl.DataFrame(
            {
                "row": global_rows.astype(np.uint32),
                "profile": np.asarray(profiles, dtype=np.uint32)[local_profiles],
            },
            schema=_HIT_SCHEMA,
        )

    def _partitioned(self, features: Features) -> Iterable[pl.DataFrame]:
        # The row number keeps the frame's height even when no profile reads a field.
        frame = features.polars(self.fields).select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
            *sorted(self.fields | set(self._by_value)),
        )
        yield self._evaluate(frame, None, self._unanchored)
        for field_name, by_value in self._by_value.items():
            yield from self._by_anchor(frame, field_name, by_value)

    def _by_anchor(
        self, frame: pl.DataFrame, field_name: str, by_value: dict[str, list[int]]
    ) -> Iterable[pl.DataFrame]:
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
                yield self._evaluate(subset, rows[low:high], by_value[value])
