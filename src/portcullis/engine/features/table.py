"""The features of a batch of items: a Polars frame of the declared and derived fields, and
the other fields as NumPy arrays until a Polars column is asked for.

Creating a Polars column costs about ten microseconds whatever its length; one declaration has
some sixty feature fields, of which its candidate profiles read a handful. Keeping the numbers
as arrays lets the model read them directly and the profiles get only what they read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.items import SMALL_FRAME

Column = npt.NDArray[Any] | pl.Series  # float arrays use NaN for "not applicable"


def _as_series(name: str, values: Column) -> pl.Series:
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

    def names(self) -> list[str]:
        return [*self.frame.columns, *(n for n in self.columns if n not in self.frame.columns)]

    def add(self, name: str, values: Column) -> None:
        self.columns[name] = values

    def __contains__(self, name: str) -> bool:
        return name in self.columns or name in self.frame.columns

    def numbers(self, name: str) -> npt.NDArray[np.float64]:
        """A field as float64 (NaN for null; true/false as 1/0)."""
        values = self.columns.get(name)
        if values is None:
            series = self.frame.get_column(name)
        elif isinstance(values, pl.Series):
            series = values
        else:
            return np.asarray(values, dtype=np.float64)
        if series.dtype == pl.Boolean:
            series = series.cast(pl.Float64)
        return series.cast(pl.Float64).fill_null(np.nan).to_numpy()

    def number_columns(self, names: list[str]) -> list[npt.NDArray[np.float64]]:
        """Several fields as float64 arrays (NaN for null; true/false as 1/0)."""
        out: dict[str, npt.NDArray[np.float64]] = {}
        in_frame = [n for n in names if n not in self.columns]
        if in_frame and self.height <= SMALL_FRAME:
            # One call for a few rows: each Polars call costs more than the rows do.
            values = self.frame.select(pl.col(in_frame).cast(pl.Float64)).to_numpy()
            out.update({name: values[:, position] for position, name in enumerate(in_frame)})
        return [out[name] if name in out else self.numbers(name) for name in names]

    def series(self, name: str) -> pl.Series:
        values = self.columns.get(name)
        return self.frame.get_column(name) if values is None else _as_series(name, values)

    def polars(self, names: Iterable[str] | None = None) -> pl.DataFrame:
        """The frame with the named fields (all of them when None) as Polars columns."""
        wanted = self.columns if names is None else [n for n in names if n in self.columns]
        added = [
            _as_series(name, self.columns[name])
            for name in wanted
            if name not in self.frame.columns
        ]
        return self.frame.hstack(added) if added else self.frame

    def rows(self, positions: npt.NDArray[np.int64], names: Iterable[str]) -> list[dict[str, Any]]:
        """The named fields of some rows, as plain Python values (None for null)."""
        names = [name for name in names if name in self]
        in_frame = [name for name in names if name not in self.columns]
        out = (
            self.frame.select(in_frame)[positions].to_dicts()
            if in_frame
            else [{} for _ in positions]
        )
        for name in names:
            if name not in self.columns:
                continue
            values = self.columns[name]
            picked = (
                values.gather(positions).to_list()
                if isinstance(values, pl.Series)
                else values[positions].tolist()
            )
            for row, value in zip(out, picked, strict=True):
                row[name] = None if isinstance(value, float) and math.isnan(value) else value
        return out
