"""Tables of figures by key, looked up for the items of a frame.

A large frame is joined (a hash join in Polars, on its key columns only). A small frame, such
as the items of one declaration arriving through the API, looks its keys up in a dictionary
instead: hashing a whole table for ten rows would cost a hundred times more. Both give the
same arrays, which the same NumPy formulas then turn into features.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.items import SMALL_FRAME

Array = npt.NDArray[np.float64]
LARGE_TABLE = 50_000
_SEPARATOR = "\x1f"  # between the parts of a key of several columns (never in a code)


class KeyedTable:
    """Numeric figures (``values``) by key (``keys``)."""

    def __init__(self, frame: pl.DataFrame, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        # No null keys: a join never matches them, so the dictionary must not either.
        self.frame = frame.drop_nulls(subset=list(self.keys)).unique(
            subset=list(self.keys), keep="last", maintain_order=True
        )
        self.values = tuple(name for name in self.frame.columns if name not in self.keys)
        self._index: dict[Any, tuple[float, ...]] | None = None
        self._compact: Mapping[Any, tuple[float | None, ...]] | None = None

    def __len__(self) -> int:
        return self.frame.height

    def _lookup(self) -> dict[Any, tuple[float, ...]]:
        if self._index is None:
            key_columns = [self.frame.get_column(k).to_list() for k in self.keys]
            keys = key_columns[0] if len(self.keys) == 1 else list(zip(*key_columns, strict=True))
            rows = self.frame.select(pl.col(self.values).cast(pl.Float64)).iter_rows()
            self._index = dict(zip(keys, rows, strict=True))
        return self._index

    def index(self) -> Mapping[Any, tuple[float | None, ...]]:
        """The figures by key (a tuple for several key columns): what ``arrays`` finds for
        an item, for plain Python lookups. A key the table lacks has no entry."""
        return self._lookup()

    def compact_index(self, above: int | None = None) -> Mapping[Any, tuple[float | None, ...]]:
        """``index()``, or for a table of text keys with more than ``above`` keys (the
        traders of a national history: a million or more; goods by origin: hundreds of
        thousands) a ``SortedIndex``, which holds them in a tenth of the memory and answers a
        lookup in a few microseconds."""
        if above is None:
            if self._compact is None:
                self._compact = self.compact_index(LARGE_TABLE)
            return self._compact
        if len(self) > above and all(self.frame.schema[k] == pl.String() for k in self.keys):
            joined = self.frame.select(pl.concat_str(self.keys, separator=_SEPARATOR)).to_series()
            if (
                len(self.keys) == 1
                or not self.frame.select(
                    pl.any_horizontal(
                        pl.col(self.keys).str.contains(_SEPARATOR, literal=True)
                    ).any()
                ).item()
            ):
                return SortedIndex(joined, self.frame.select(self.values))
        return self.index()

    def arrays(
        self, items: pl.DataFrame, on: Sequence[str] | None = None, missing: float = np.nan
    ) -> dict[str, Array]:
        """Each value column for the items' keys (``missing`` where a key is not found or a
        value is null). ``on`` names the items' key columns when they differ from the
        table's."""
        on = tuple(on or self.keys)
        if items.height > SMALL_FRAME:
            joined = items.select(on).join(
                self.frame,
                left_on=list(on),
                right_on=list(self.keys),
                how="left",
                maintain_order="left",
            )
            return {
                name: joined.get_column(name).cast(pl.Float64).fill_null(missing).to_numpy()
                for name in self.values
            }
        index = self._lookup()
        key_lists = [items.get_column(name).to_list() for name in on]
        keys: list[Any] = key_lists[0] if len(on) == 1 else list(zip(*key_lists, strict=True))
        absent = (missing,) * len(self.values)
        found = np.array([index.get(key, absent) for key in keys], dtype=np.float64).reshape(
            len(keys), len(self.values)
        )
        if not np.isnan(missing):
            # A null figure of a key found (an importer declared but never inspected has no
            # finding count) is ``missing`` too, as the join's fill_null makes it.
            found[np.isnan(found)] = missing
        return {name: found[:, position] for position, name in enumerate(self.values)}


class FiguresByKey(Mapping[Any, tuple[float | None, ...]]):
    """A mapping that finds by ``get`` (a key it lacks: None), as the lookups read it."""

    def get(self, key: Any, default: Any = None) -> Any:
        raise NotImplementedError

    def __getitem__(self, key: Any) -> tuple[float | None, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]


class SortedIndex(FiguresByKey):
    """Figures by text key (or keys, joined) for plain Python lookups, as sorted arrays: the
    keys as UTF-8 bytes of one width, found by binary search, and the figures as floats
    (nulls as 0, which is how the compliance figures read a null count). A dictionary of
    Python tuples costs some 300 bytes a key; this, the key's width and eight bytes a
    figure."""

    def __init__(self, keys: pl.Series, values: pl.DataFrame) -> None:
        encoded = np.array([key.encode() for key in keys.to_list()], dtype="S")
        order = np.argsort(encoded, kind="stable")  # bytes order, as the search compares
        self._keys = encoded[order]
        self._values = values.cast(pl.Float64).fill_null(0.0).to_numpy()[order]

    def get(self, key: Any, default: Any = None) -> Any:
        if isinstance(key, tuple):
            if not all(isinstance(part, str) for part in key):
                return default
            key = _SEPARATOR.join(key)
        elif not isinstance(key, str):
            return default
        encoded = key.encode()
        keys = self._keys
        position = int(keys.searchsorted(encoded))
        if position < len(keys) and keys[position] == encoded:
            return tuple(self._values[position].tolist())
        return default

    def __iter__(self) -> Iterator[Any]:
        for key in self._keys:
            parts = key.decode().split(_SEPARATOR)
            yield parts[0] if len(parts) == 1 else tuple(parts)

    def __len__(self) -> int:
        return len(self._keys)
