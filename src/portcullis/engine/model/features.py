"""The model's inputs: which catalogue fields, how each becomes a number, and their names.

Categorical codes (office, origin, HS chapter, ...) are numbered by a vocabulary fitted on the
training data; a code never seen in training is missing, which LightGBM handles. Money and
mass enter as logarithms. The vocabulary is saved with the model, so a version always turns
the same item into the same numbers.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features.compliance import ComplianceSettings
from portcullis.engine.features.table import Features
from portcullis.engine.items import SMALL_FRAME

CATEGORICAL: tuple[str, ...] = (
    "office",
    "process_type",
    "procedure",
    "import_use",
    "payment_type",
    "transport_mode",
    "tax_type",
    "origin_indicator",
    "country_of_departure",
    "origin_country",
    "hs_chapter",
)
# Model-only numbers: log(1 + x) of a catalogue field (money and mass span many magnitudes).
TRANSFORMED: dict[str, str] = {
    "log_unit_value": "unit_value",
    "log_customs_value": "customs_value",
    "log_net_mass": "net_mass_kg",
    "log_declaration_value": "declaration_value",
}
PLAIN: tuple[str, ...] = (
    "tax_rate",
    "valuation_z",
    "item_count",
    "departure_is_origin",
    "watchlist_hits",
)


def default_numeric(settings: ComplianceSettings | None = None) -> tuple[str, ...]:
    settings = settings or ComplianceSettings()
    compliance = [
        f"{subject.name}_{part}"
        for subject in settings.subjects
        if subject.model
        for part in ("finding_rate", "inspections")
    ]
    activity = [f"{trader}_declarations" for trader in settings.activity]
    return (*PLAIN, *TRANSFORMED, *compliance, *activity)


_Getter = Callable[[Mapping[str, Any]], tuple[Any, ...]]


def _getter(names: list[str]) -> _Getter:
    """The named fields of a row, always as a tuple (itemgetter of one name is not)."""
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    return operator.itemgetter(*names)


CHUNK_ROWS = 20_000  # rows per matrix: small enough to stay in cache while it is filled


class ModelInputs:
    """The model's input columns for a batch of items, stacked into matrix rows on demand.

    Filling a matrix column by column strides through memory; a few thousand rows at a time
    stay in the CPU cache, which makes it an order of magnitude faster for a million items,
    and the whole matrix (half a gigabyte for a million items) never exists at once."""

    def __init__(self, columns: list[npt.NDArray[np.float64]]) -> None:
        self.columns = columns
        self.height = len(columns[0]) if columns else 0

    def matrix(self, start: int = 0, stop: int | None = None) -> npt.NDArray[np.float64]:
        stop = self.height if stop is None else stop
        out = np.empty((stop - start, len(self.columns)), dtype=np.float64)
        for position, values in enumerate(self.columns):
            out[:, position] = values[start:stop]
        return out

    def rows(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        out = np.empty((len(positions), len(self.columns)), dtype=np.float64)
        for position, values in enumerate(self.columns):
            out[:, position] = values[positions]
        return out

    def chunks(self) -> Iterator[tuple[int, int, npt.NDArray[np.float64]]]:
        for start in range(0, self.height, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, self.height)
            yield start, stop, self.matrix(start, stop)


@dataclass(frozen=True)
class FeatureSpec:
    categorical: tuple[str, ...] = CATEGORICAL
    numeric: tuple[str, ...] = field(default_factory=default_numeric)
    vocabulary: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [*self.categorical, *self.numeric]

    def source(self, name: str) -> str:
        """The catalogue field a model feature shows (``log_net_mass`` shows net_mass_kg)."""
        return TRANSFORMED.get(name, name)

    def fitted(self, frame: pl.DataFrame) -> FeatureSpec:
        """The same spec with its vocabulary fitted on ``frame`` (codes in sorted order)."""
        vocabulary = {
            name: {
                value: index
                for index, value in enumerate(
                    sorted(frame.get_column(name).drop_nulls().unique().to_list())
                )
            }
            for name in self.categorical
        }
        return FeatureSpec(self.categorical, self.numeric, vocabulary)

    def inputs(self, features: Features | pl.DataFrame) -> ModelInputs:
        """The items' input columns (float64, NaN for missing), in the model's order."""
        if isinstance(features, pl.DataFrame):
            features = Features(features)
        columns = [self._codes(name, features.series(name)) for name in self.categorical]
        sources = [features.numbers(self.source(name)) for name in self.numeric]
        with np.errstate(invalid="ignore", divide="ignore"):
            for name, values in zip(self.numeric, sources, strict=True):
                columns.append(np.log1p(values) if name in TRANSFORMED else values)
        return ModelInputs(columns)

    def one(self, rows: Sequence[Mapping[str, Any]]) -> npt.NDArray[np.float64]:
        """One declaration's items (dicts of fields) as the model's input matrix: the same
        numbers ``inputs`` gives, without Polars (None is NaN, true and false 1 and 0)."""
        codes, numbers, transformed = self._one_plan
        categorical, nan = self._categorical_of, math.nan
        table = []
        for row in rows:
            values = [
                vocabulary.get(value, nan)
                for vocabulary, value in zip(codes, categorical(row), strict=True)
            ]
            values += numbers(row)  # None is NaN, true and false 1 and 0, to NumPy
            table.append(values)
        out = np.array(table, dtype=np.float64).reshape(len(rows), len(self.names))
        with np.errstate(invalid="ignore", divide="ignore"):
            for column in transformed:
                # A contiguous copy: the same loop (and rounding) as a batch column.
                out[:, column] = np.log1p(np.ascontiguousarray(out[:, column]))
        return out

    @cached_property
    def _one_plan(
        self,
    ) -> tuple[list[dict[str, int]], Callable[[Mapping[str, Any]], Any], list[int]]:
        numbers = _getter([self.source(name) for name in self.numeric])
        offset = len(self.categorical)
        transformed = [offset + i for i, name in enumerate(self.numeric) if name in TRANSFORMED]
        return [self.vocabulary.get(name, {}) for name in self.categorical], numbers, transformed

    @cached_property
    def _categorical_of(self) -> _Getter:
        return _getter(list(self.categorical))

    def matrix(self, features: Features | pl.DataFrame) -> npt.NDArray[np.float64]:
        """The items as the model's input matrix (C order, float64, NaN for missing)."""
        return self.inputs(features).matrix()

    def _codes(self, name: str, column: pl.Series) -> npt.NDArray[np.float64]:
        """A categorical field as its vocabulary numbers (NaN: never seen in training)."""
        codes = self.vocabulary.get(name, {})
        if len(column) <= SMALL_FRAME:
            return np.array([codes.get(v, np.nan) for v in column.to_list()], dtype=np.float64)
        old, new = self._replacements(name)
        mapped = column.replace_strict(old, new, default=None, return_dtype=pl.Float64)
        return mapped.fill_null(np.nan).to_numpy()

    def _replacements(self, name: str) -> tuple[pl.Series, pl.Series]:
        codes = self.vocabulary.get(name, {})
        return (
            pl.Series(list(codes), dtype=pl.String),
            pl.Series(list(codes.values()), dtype=pl.Float64),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "categorical": list(self.categorical),
            "numeric": list(self.numeric),
            "vocabulary": self.vocabulary,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FeatureSpec:
        vocabulary = data["vocabulary"]
        assert isinstance(vocabulary, dict)
        return cls(
            tuple(data["categorical"]),  # type: ignore[arg-type]
            tuple(data["numeric"]),  # type: ignore[arg-type]
            {name: dict(codes) for name, codes in vocabulary.items()},
        )
