"""Population stability: how far the items scored now have moved from the ones a model learned
from, feature by feature and for the score itself.

At training, each model input (a column of the model's matrix) and the model's score get a
reference distribution over the whole training window: ten bins at the training deciles for
a number, the twenty commonest codes for a category, and a bin of its own for missing values
in both. Later, the items of a recent window are counted into the same bins and compared with
the population stability index, PSI = Σ (now − then) × ln(now / then). The customary reading:
below 0.1 stable, 0.1 to 0.25 worth watching, above 0.25 a shift the model was not trained
for (an alert).

Counts of history (a trader's inspections and declarations so far) grow for as long as
declarations arrive: they shift from any training window by construction, so they are
reported but never raise an alert, which would otherwise fire on every check."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

BINS = 10
TOP_CODES = 20
WATCH_PSI = 0.1
ALERT_PSI = 0.25
SCORE = "score"  # the name the model's own output goes by among the features
CUMULATIVE = ("_inspections", "_declarations")  # suffixes of the counts of history
_FLOOR = 1e-4  # an empty bin counts as this share, so that ln(now / then) stays finite

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Distribution:
    """Shares of a reference population: one per bin, then missing. A numeric one has the
    inner cut points of its bins; a categorical one the codes of its bins (the last bin
    before missing holds every other code)."""

    categorical: bool
    cuts: tuple[float, ...]
    shares: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "categorical": self.categorical,
            "cuts": list(self.cuts),
            "shares": list(self.shares),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Distribution:
        return cls(
            bool(data["categorical"]),
            tuple(float(c) for c in data["cuts"]),
            tuple(float(s) for s in data["shares"]),
        )

    def counts(self, values: Floats) -> Floats:
        """How many of ``values`` fall in each bin (the last is missing)."""
        missing = np.isnan(values)
        present = values[~missing]
        if self.categorical:
            codes = np.asarray(self.cuts)
            known = np.isin(present, codes)
            position = np.searchsorted(np.sort(codes), present[known])
            order = np.argsort(codes)
            bins = np.bincount(order[position], minlength=len(codes)).astype(np.float64)
            counted = [*bins, float((~known).sum())]
        else:
            position = np.searchsorted(np.asarray(self.cuts), present, side="right")
            counted = list(np.bincount(position, minlength=len(self.cuts) + 1).astype(np.float64))
        return np.asarray([*counted, float(missing.sum())])


def reference(values: Floats, categorical: bool) -> Distribution:
    """The distribution of ``values`` (NaN is missing) as the bins later windows are
    compared in."""
    present = values[~np.isnan(values)]
    if categorical:
        codes, frequency = np.unique(present, return_counts=True)
        top = codes[np.lexsort((codes, -frequency))][:TOP_CODES]
        cuts = tuple(float(c) for c in top)
    else:
        inner = np.linspace(0, 1, BINS + 1)[1:-1]
        quantiles = np.quantile(present, inner) if present.size else np.zeros(0)
        cuts = tuple(float(c) for c in np.unique(quantiles))
    distribution = Distribution(categorical, cuts, ())
    counts = distribution.counts(values)
    total = counts.sum()
    shares = tuple(float(c / total) for c in counts) if total else tuple(0.0 for _ in counts)
    return Distribution(categorical, cuts, shares)


def psi(expected: Floats, actual: Floats) -> float:
    """The population stability index of two sets of shares over the same bins."""
    then = np.maximum(expected, _FLOOR)
    now = np.maximum(actual, _FLOOR)
    return float(np.sum((now - then) * np.log(now / then)))


def level(value: float | None, name: str = "") -> str:
    if value is None or math.isnan(value):
        return "unknown"
    if name.endswith(CUMULATIVE):
        return "history"
    return "alert" if value > ALERT_PSI else "watch" if value > WATCH_PSI else "stable"


def references(
    matrix: Floats, names: list[str], categorical: set[str], scores: Floats
) -> dict[str, dict[str, Any]]:
    """Reference distributions of every model input (the columns of ``matrix``) and of the
    score, as plain data to keep with the model."""
    kept = {
        name: reference(matrix[:, position], name in categorical).to_dict()
        for position, name in enumerate(names)
    }
    kept[SCORE] = reference(scores, categorical=False).to_dict()
    return kept


@dataclass(frozen=True)
class Shift:
    name: str
    psi: float
    level: str


@dataclass(frozen=True)
class DriftReport:
    items: int
    score: Shift
    features: list[Shift]  # the largest shift first

    @property
    def alerts(self) -> list[Shift]:
        return [s for s in [self.score, *self.features] if s.level == "alert"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "score": vars(self.score),
            "features": [vars(s) for s in self.features],
            "alerts": [s.name for s in self.alerts],
        }


def compare(
    kept: dict[str, dict[str, Any]], matrix: Floats, names: list[str], scores: Floats
) -> DriftReport:
    """The shift of each input and of the score from its kept reference, over the items of
    ``matrix`` (inputs a model kept no reference for are left out)."""
    if matrix.shape[0] == 0:
        raise ValueError("no items in the window: there is nothing to compare")

    def shift(name: str, values: Floats) -> Shift:
        distribution = Distribution.from_dict(kept[name])
        counts = distribution.counts(values)
        value = round(psi(np.asarray(distribution.shares), counts / counts.sum()), 4)
        return Shift(name, value, level(value, name))

    features = [
        shift(name, matrix[:, position]) for position, name in enumerate(names) if name in kept
    ]
    features.sort(key=lambda s: (-s.psi, s.name))
    return DriftReport(matrix.shape[0], shift(SCORE, scores), features)
