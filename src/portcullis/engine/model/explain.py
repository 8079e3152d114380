"""Turning the model's TreeSHAP contributions into factors an officer can read.

Each factor names a feature with the item's value, in words ("importer finding rate 0.42 over
14 inspections", "unit value 12% of reference"), and its contribution to the log-odds of a
finding: positive pushes towards inspection, negative away from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from portcullis.engine.model.artifact import ModelArtifact
from portcullis.engine.model.features import TRANSFORMED

TOP_FACTORS = 5

_CODE_LABELS = {
    "office": "office",
    "process_type": "process type",
    "procedure": "procedure",
    "import_use": "import use",
    "payment_type": "payment type",
    "transport_mode": "transport mode",
    "tax_type": "tax type",
    "origin_indicator": "origin indicator",
    "country_of_departure": "departure country",
    "origin_country": "origin",
    "hs_chapter": "HS chapter",
}
_SUBJECT_LABELS = {
    "hs6": "HS6",
    "hs4": "HS4",
    "hs6_origin": "HS6 × origin",
    "hs4_origin": "HS4 × origin",
    "national_line": "national tariff line",
}


@dataclass(frozen=True, slots=True)
class Factor:
    feature: str
    text: str
    contribution: float  # to the log-odds of a finding

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "text": self.text,
            "contribution": round(self.contribution, 4),
        }


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# How a plain value reads, by feature ({} is the value, formatted).
_VALUE_TEMPLATES = {
    "log_unit_value": "unit value {} per kg",
    "log_declaration_value": "declaration value {}",
    "log_net_mass": "net mass {} kg",
    "tax_rate": "duty rate {}%",
    "item_count": "{} items on the declaration",
    "watchlist_hits": "{} watchlist hits",
}


def describe(feature: str, row: dict[str, Any]) -> str:
    """The feature and the item's value, in words."""
    if feature in _CODE_LABELS:
        code = row.get(feature)
        return f"{_CODE_LABELS[feature]} {code if code is not None else 'not given'}"
    if feature.endswith(("_finding_rate", "_inspections", "_declarations")):
        return _describe_history(feature, row)
    if feature in ("valuation_z", "value_ratio"):
        ratio = row.get("value_ratio")
        if _missing(row.get("rate_applied")) and row.get("currency"):
            return f"not valued: no exchange rate for {row['currency']} on the lodging day"
        if ratio is None or _missing(ratio):
            return "no reference price"
        z = row.get("valuation_z") or 0.0
        return f"unit value {float(ratio) * 100:.0f}% of reference (robust z {z:+.1f})"
    value = row.get(_source(feature))
    if value is None or _missing(value):
        return f"{_source(feature).replace('_', ' ')} unknown"
    if feature == "log_customs_value":
        invoiced, currency = row.get("invoice_value"), row.get("currency")
        if row.get("rate_applied") in (None, 1.0) or invoiced is None or _missing(invoiced):
            return f"customs value {_number(value)} {currency or ''}".rstrip()
        return f"customs value {_number(value)} (invoiced {_number(invoiced)} {currency})"
    if feature == "departure_is_origin":
        return "shipped from its country of origin" if value else "shipped from elsewhere"
    shown = _number(float(value)) if isinstance(value, int | float) else str(value)
    template = _VALUE_TEMPLATES.get(feature, feature.replace("_", " ") + " {}")
    return template.format(shown)


def _describe_history(feature: str, row: dict[str, Any]) -> str:
    """Compliance figures: finding rates, inspection and declaration counts."""
    if feature.endswith("_declarations"):
        trader = feature.removesuffix("_declarations")
        count = row.get(feature)
        if count is None or _missing(count):
            return f"{trader} not given"
        return f"new {trader}" if count == 0 else f"{trader}'s earlier declarations {count:,.0f}"
    subject = feature.removesuffix("_finding_rate").removesuffix("_inspections")
    label = _SUBJECT_LABELS.get(subject, subject)
    inspections = row.get(f"{subject}_inspections") or 0
    if feature.endswith("_inspections"):
        return f"{label} inspections {inspections:,.0f}"
    if not inspections:
        return f"{label} has no inspection history"
    return f"{label} finding rate {row[feature]:.2f} over {inspections:,.0f} inspections"


def _source(feature: str) -> str:
    return TRANSFORMED.get(feature, feature)


def fields_to_describe(artifact: ModelArtifact) -> list[str]:
    """The fields ``describe`` reads for the model's features."""
    names = {_source(name) for name in artifact.spec.names}
    names |= {
        n.replace("_finding_rate", "_inspections") for n in names if n.endswith("_finding_rate")
    }
    return sorted(
        names | {"currency", "invoice_value", "rate_applied", "value_ratio", "valuation_z"}
    )


def top_factors(
    artifact: ModelArtifact,
    matrix: npt.NDArray[np.float64],
    rows: list[dict[str, Any]],
    count: int = TOP_FACTORS,
) -> list[list[Factor]]:
    """The ``count`` features contributing most (by size) to the score of each row of the
    model's input ``matrix``; ``rows`` are the same items' fields, to describe them."""
    if matrix.shape[0] == 0:
        return []
    contributions = artifact.contributions(matrix)[:, :-1]
    names = artifact.spec.names
    result = []
    for row, values in zip(rows, contributions, strict=True):
        order = np.argsort(-np.abs(values), kind="stable")[:count]
        result.append(
            [
                Factor(names[i], describe(names[i], row), float(values[i]))
                for i in order
                if values[i] != 0
            ]
        )
    return result
