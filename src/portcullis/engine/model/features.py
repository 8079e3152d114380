"""The model's inputs: which catalogue fields, how each becomes a number, and their names.

Categorical codes (office, origin, HS chapter, ...) are numbered by a vocabulary fitted on the
training data; a code never seen in training is missing, which LightGBM handles. Money and
mass enter as logarithms. The vocabulary is saved with the model, so a version always turns
the same item into the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
        for part in ("finding_rate", "inspections")
    ]
    activity = [f"{trader}_declarations" for trader in settings.activity]
    return (*PLAIN, *TRANSFORMED, *compliance, *activity)


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

    def matrix(self, features: Features | pl.DataFrame) -> npt.NDArray[np.float64]:
        """The items as the model's input matrix (float64, NaN for missing)."""
        if isinstance(features, pl.DataFrame):
            features = Features(features)
        out = np.empty((features.height, len(self.names)), dtype=np.float64)
        for position, name in enumerate(self.categorical):
            out[:, position] = self._codes(name, features.series(name))
        sources = [self.source(name) for name in self.numeric]
        numbers = features.number_matrix(sources)
        with np.errstate(invalid="ignore", divide="ignore"):
            for position, name in enumerate(self.numeric):
                column = numbers[:, position]
                out[:, len(self.categorical) + position] = (
                    np.log1p(column) if name in TRANSFORMED else column
                )
        return out

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
