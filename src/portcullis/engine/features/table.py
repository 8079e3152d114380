"""The features of a batch of items: a Polars frame of the declared and derived fields, and
the other fields as NumPy arrays until a Polars column is asked for.

Creating a Polars column costs about ten microseconds whatever its length; one declaration has
some sixty feature fields, of which its candidate profiles read a handful. Keeping the numbers
as arrays lets the model read them directly and the profiles get only what they read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.items import SMALL_FRAME


class Lazy:
    """A column made only when something reads it (one declaration's candidate profiles
    usually read none of the true/false and text fields)."""

    def __init__(self, make: Callable[[], pl.Series]) -> None:
        self.make = make


class OnDemand(Lazy):
    """A costly column (a window over history): made only when read, and stored with a
    decision only if something read it."""


Column = npt.NDArray[Any] | pl.Series | Lazy  # float arrays use NaN for "not applicable"


def _as_series(name: str, values: npt.NDArray[Any] | pl.Series) -> pl.Series:
    if isinstance(values, pl.Series):
        return values.alias(name)
    if values.dtype == np.float64:
        return pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)
    return pl.Series(name, values)


class Features:
    def __init__(self, frame: pl.DataFrame, columns: Mapping[str, Column] | None = None) -> None:
        self.frame = frame
        self.columns: dict[str, Column] = dict(columns or {})
        # (row, entry) of the watchlist entries matched while the features were built.
        self.watchlist_hits: pl.DataFrame | None = None

    @property
    def height(self) -> int:
        return self.frame.height

    def add(self, name: str, values: Column) -> None:
        self.columns[name] = values

    def __contains__(self, name: str) -> bool:
        return name in self.columns or name in self.frame.columns

    def _column(self, name: str) -> npt.NDArray[Any] | pl.Series | None:
        values = self.columns.get(name)
        if isinstance(values, Lazy):
            values = self.columns[name] = values.make()
        return values

    def numbers(self, name: str) -> npt.NDArray[np.float64]:
        """A field as float64 (NaN for null; true/false as 1/0)."""
        values = self._column(name)
        if values is None:
            series = self.frame.get_column(name)
        elif isinstance(values, pl.Series):
            series = values
        else:
            return np.asarray(values, dtype=np.float64)
        if len(series) <= SMALL_FRAME:  # a few values: cheaper than three Polars calls
            return np.array(
                [np.nan if v is None else v for v in series.to_list()], dtype=np.float64
            )
        if series.dtype == pl.Boolean:
            series = series.cast(pl.Float64)
        return series.cast(pl.Float64).fill_null(np.nan).to_numpy()

    def series(self, name: str) -> pl.Series:
        values = self._column(name)
        return self.frame.get_column(name) if values is None else _as_series(name, values)

    def polars(self, names: Iterable[str] | None = None) -> pl.DataFrame:
        """The frame with the named fields (all of them when None) as Polars columns."""
        wanted = list(self.columns) if names is None else [n for n in names if n in self.columns]
        added = [self.series(name) for name in wanted if name not in self.frame.columns]
        return self.frame.hstack(added) if added else self.frame

    def rows(self, positions: npt.NDArray[np.int64], names: Iterable[str]) -> list[dict[str, Any]]:
        """The named fields of some rows, as plain Python values (None for null)."""
        out: list[dict[str, Any]] = [{} for _ in positions]
        for name in names:
            if name not in self or isinstance(self.columns.get(name), OnDemand):
                continue
            values = self._column(name)
            if values is None or isinstance(values, pl.Series):
                column = self.frame.get_column(name) if values is None else values
                if self.height <= SMALL_FRAME:  # cheaper than a gather for a few rows
                    every = column.to_list()
                    picked = [every[p] for p in positions.tolist()]
                else:
                    picked = column.gather(positions).to_list()
            else:
                picked = values[positions].tolist()
            for row, value in zip(out, picked, strict=True):
                row[name] = None if isinstance(value, float) and math.isnan(value) else value
        return out
