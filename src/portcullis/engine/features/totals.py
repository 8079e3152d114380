"""The latest counts by key, taking additions without being made again.

A serving history's totals (an importer's findings, inspections and declarations, and so on
for each key) are a table of millions of keys at national scale, made once at start-up. New
declarations and outcomes change a few keys each: their new counts are kept apart, in a
dictionary consulted before the table, so that an addition costs a few dictionary entries
rather than the table made again (seconds at ten million declarations of history).

Counts only: a null count (an importer declared but never inspected has no finding count) is
read as 0, as the compliance figures read it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

from portcullis.engine.features.lookup import Array, FiguresByKey, KeyedTable
from portcullis.engine.items import SMALL_FRAME

Counts = tuple[float, ...]
# Keys changed since the table was made, kept apart until there are this many (or an eighth
# of the table, whichever is more): then folded into a new table (``Totals.folded``).
FOLD_AT = 50_000


class Totals:
    """Counts by key (``base``), with the keys changed since (``changed``: their counts now,
    in ``values`` order)."""

    def __init__(self, base: KeyedTable, changed: dict[Any, Counts] | None = None) -> None:
        self.base, self.changed = base, changed or {}
        self.keys, self.values = base.keys, base.values

    def plus(self, added: pl.DataFrame) -> Totals:
        """These totals with ``added`` (the keys' columns and some of the value columns,
        counts to add) added."""
        if added.height == 0:
            return self
        keys = self.keys[0] if len(self.keys) == 1 else self.keys
        position = [self.values.index(name) for name in added.columns if name in self.values]
        columns = [name for name in added.columns if name in self.values]
        frame = added.select(*self.keys, *columns).drop_nulls(list(self.keys))
        index = self.index()
        changed = dict(self.changed)
        zero = (0.0,) * len(self.values)
        for row in frame.iter_rows():
            key = row[0] if isinstance(keys, str) else row[: len(self.keys)]
            counts = list(index.get(key) or zero)
            for at, amount in zip(position, row[len(self.keys) :], strict=True):
                counts[at] = (counts[at] or 0.0) + (amount or 0.0)
            changed[key] = tuple(counts)
        after = Totals(self.base, changed)
        return after.folded() if len(changed) >= max(FOLD_AT, len(self.base) // 8) else after

    def folded(self) -> Totals:
        """These totals as one table, the changed keys folded in, its index made now (by the
        refresh that adds, not by the request that would first look a key up). Kept apart,
        the changed keys cost some 300 bytes each and are copied by every addition; a
        serving process up for days would change a good part of the table."""
        base = self.base.frame.with_columns(pl.col(list(self.values)).cast(pl.Float64))
        changed = self._changed_frame.select(base.columns)
        table = KeyedTable(pl.concat([base, changed]), self.keys)  # the changed rows last win
        table.compact_index()
        return Totals(table)

    def index(self) -> Mapping[Any, tuple[float | None, ...]]:
        """Each key's counts, for plain Python lookups (a key never counted: no entry)."""
        base = self.base.compact_index()
        return _Overlaid(base, self.changed) if self.changed else base

    def arrays(self, items: pl.DataFrame, on: Sequence[str] | None = None) -> dict[str, Array]:
        """Each value column for the items' keys (0 where a key was never counted)."""
        on = tuple(on or self.keys)
        if items.height <= SMALL_FRAME:
            index = self.index()
            key_lists = [items.get_column(name).to_list() for name in on]
            keys = key_lists[0] if len(on) == 1 else list(zip(*key_lists, strict=True))
            absent = (0.0,) * len(self.values)
            found = np.array(
                [[value or 0.0 for value in index.get(key) or absent] for key in keys],
                dtype=np.float64,
            ).reshape(len(keys), len(self.values))
            return {name: found[:, at] for at, name in enumerate(self.values)}
        arrays = self.base.arrays(items, on, missing=0.0)
        if not self.changed:
            return arrays
        joined = items.select(on).join(
            self._changed_frame,
            left_on=list(on),
            right_on=list(self.keys),
            how="left",
            maintain_order="left",
        )
        hit = joined.get_column(self.values[0]).is_not_null().to_numpy()
        for name in self.values:
            arrays[name] = np.where(
                hit, joined.get_column(name).fill_null(0.0).to_numpy(), arrays[name]
            )
        return arrays

    @cached_property
    def _changed_frame(self) -> pl.DataFrame:
        keys = list(self.changed)
        key_columns = [keys] if len(self.keys) == 1 else [list(k) for k in zip(*keys, strict=True)]
        schema = self.base.frame.select(self.keys).schema
        frame = {
            name: pl.Series(name, column, dtype=schema[name])
            for name, column in zip(self.keys, key_columns, strict=True)
        }
        counts = np.array(list(self.changed.values()), dtype=np.float64).reshape(
            len(keys), len(self.values)
        )
        frame |= {name: pl.Series(name, counts[:, at]) for at, name in enumerate(self.values)}
        return pl.DataFrame(frame)


class _Overlaid(FiguresByKey):
    """A table's index with the keys changed since read first."""

    def __init__(
        self, base: Mapping[Any, tuple[float | None, ...]], changed: dict[Any, Counts]
    ) -> None:
        self.base, self.changed = base, changed

    def get(self, key: Any, default: Any = None) -> Any:
        found = self.changed.get(key)
        return found if found is not None else self.base.get(key, default)

    def __iter__(self) -> Iterator[Any]:
        yield from self.changed
        yield from (key for key in self.base if key not in self.changed)

    def __len__(self) -> int:
        return sum(1 for _ in self)
