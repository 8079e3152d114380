"""Every field a targeting profile may name: declared fields and derived features, typed.

The profile language checks criteria against this catalogue (unknown names, wrong types);
the features module produces exactly these columns, and a test keeps the two in step.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum

from portcullis.engine.items import HEADER_FIELDS, ITEM_FIELDS, TIME


class Kind(StrEnum):
    """The type of a field or expression in the profile language."""

    TEXT = "text"
    NUMBER = "number"
    BOOL = "true/false"
    TIME = "date-time"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    description: str
    group: str  # declaration, item, derived, calendar, valuation, compliance, history, ...


def _declared_kind(dtype: object) -> Kind:
    if dtype == TIME:
        return Kind.TIME
    if str(dtype) in ("Float64", "Int32"):
        return Kind.NUMBER
    return Kind.TEXT


_DECLARED_DESCRIPTIONS = {
    "declaration_id": "the clearance system's declaration id",
    "lodged_at": 'when the declaration was lodged (compare with "2021-03-01")',
    "office": "customs office code",
    "procedure": "customs procedure / import type code",
    "process_type": "clearance process code",
    "import_use": "import use code",
    "payment_type": "payment type code",
    "transport_mode": "mode of transport code",
    "declarant": "declarant (customs broker) id",
    "importer": "importer id",
    "seller": "foreign seller id",
    "courier": "courier id",
    "importer_name": "the importer's name, as declared (free text)",
    "declarant_name": "the declarant's name, as declared (free text)",
    "seller_name": "the seller's (or exporter's) name, as declared (free text)",
    "courier_name": "the courier's name, as declared (free text)",
    "country_of_departure": "ISO country the goods were shipped from",
    "declared_rate": "the exchange rate the declarant applied (national currency per unit)",
    "line_no": "item number on the declaration",
    "hs_code": "HS code as declared (6 to 10 digits)",
    "origin_country": "ISO country of origin",
    "origin_indicator": "origin / preference proof code",
    "net_mass_kg": "net mass in kg",
    "quantity": "quantity in the supplementary unit",
    "quantity_unit": "supplementary unit code",
    "customs_value": "customs value of the item in the national currency, at the rate in "
    "force on the lodging day (null when there is no rate)",
    "invoice_value": "the item's value as declared, in its invoice currency",
    "currency": "ISO currency of the invoice value",
    "rate_applied": "the customs exchange rate used: national currency per unit of currency",
    "tax_type": "duty / tax type code",
    "tax_rate": "duty rate in percent",
    "duty": "duty declared on the item",
    "description": "goods description, as declared (free text)",
    "additional_codes": "national or TARIC additional codes, separated by spaces",
}

_SUBJECT_LABELS = {"national_line": "national tariff line"}

_CALENDAR = (
    FieldSpec(
        "lodged_weekday",
        Kind.NUMBER,
        "the day of the week it was lodged, in the installation's time zone: 1 Monday … 7 Sunday",
        "calendar",
    ),
    FieldSpec(
        "lodged_hour", Kind.NUMBER, "the hour it was lodged, local time (0 to 23)", "calendar"
    ),
    FieldSpec(
        "lodged_on_weekend",
        Kind.BOOL,
        "lodged on a weekend day (PORTCULLIS_WEEKEND, default Saturday and Sunday), local time",
        "calendar",
    ),
    FieldSpec(
        "lodged_on_holiday",
        Kind.BOOL,
        "lodged on a public holiday of the holiday table, local time",
        "calendar",
    ),
)

_DERIVED = (
    FieldSpec("hs_chapter", Kind.TEXT, "first 2 digits of the HS code", "derived"),
    FieldSpec("hs_heading", Kind.TEXT, "first 4 digits of the HS code", "derived"),
    FieldSpec("hs6", Kind.TEXT, "first 6 digits of the HS code (the subheading)", "derived"),
    FieldSpec(
        "national_line",
        Kind.TEXT,
        "the commodity code when it is a national tariff line (more than 6 digits), else null",
        "derived",
    ),
    FieldSpec(
        "unit_value",
        Kind.NUMBER,
        "customs value per kg, national currency (null when mass is 0)",
        "derived",
    ),
    FieldSpec(
        "declared_rate_ratio",
        Kind.NUMBER,
        "declared_rate / rate_applied: 1 is the customs rate; 0.8 declares a fifth less",
        "derived",
    ),
    FieldSpec("declaration_value", Kind.NUMBER, "customs value of all items", "derived"),
    FieldSpec("item_count", Kind.NUMBER, "number of items on the declaration", "derived"),
    FieldSpec("departure_is_origin", Kind.BOOL, "shipped from its country of origin", "derived"),
    FieldSpec(
        "ref_unit_value",
        Kind.NUMBER,
        "reference value per kg: median for the HS6 and origin (or HS6, or HS4) in history",
        "valuation",
    ),
    FieldSpec("value_ratio", Kind.NUMBER, "unit_value / ref_unit_value", "valuation"),
    FieldSpec(
        "valuation_z",
        Kind.NUMBER,
        "robust z-score of the log unit value against the reference (negative: cheap)",
        "valuation",
    ),
    FieldSpec(
        "valuation_basis",
        Kind.TEXT,
        'which reference was found: "national_origin" (a national tariff line × origin), '
        '"hs6_origin", "hs6", "hs4" (null: none)',
        "valuation",
    ),
    FieldSpec(
        "importer_aeo", Kind.BOOL, "the importer is an Authorised Economic Operator", "trader"
    ),
    FieldSpec("model_score", Kind.NUMBER, "the model's probability of a finding (0 to 1)", "model"),
    FieldSpec("watchlist_hits", Kind.NUMBER, "watchlist entries that match the item", "watchlist"),
)


# Windows over history (features/windows.py): what each measure counts, per subject.
_WINDOW_MEASURES = {
    "declarations": "declarations {whose}",
    "items": "goods items on declarations {whose}",
    "sellers": "distinct sellers on declarations {whose}",
    "value": "customs value (national currency) of the goods items {whose_items}",
}
_WINDOW_SUBJECTS = {
    "importer": ("of the importer", "of the importer"),
    "importer_chapter": (
        "of the importer with an item in this HS chapter",
        "of the importer in this HS chapter",
    ),
}
WINDOW_MEASURES = tuple(_WINDOW_MEASURES)
WINDOW_SUBJECT_NAMES = tuple(_WINDOW_SUBJECTS)
DAYS_SINCE_FIRST = "importer_days_since_first"


def window_field(subject: str, measure: str, days: int) -> str:
    return f"{subject}_{measure}_{days}d"


def _window_specs(days: tuple[int, ...]) -> list[FieldSpec]:
    specs = []
    for subject, (whose, whose_items) in _WINDOW_SUBJECTS.items():
        for window in days:
            for measure, text in _WINDOW_MEASURES.items():
                meaning = text.format(whose=whose, whose_items=whose_items)
                specs.append(
                    FieldSpec(
                        window_field(subject, measure, window),
                        Kind.NUMBER,
                        f"{meaning} lodged in the {window} days before this one",
                        "history",
                    )
                )
    specs.append(
        FieldSpec(
            DAYS_SINCE_FIRST,
            Kind.NUMBER,
            "whole days since the importer's first declaration (0: this is its first)",
            "history",
        )
    )
    return specs


@dataclass(frozen=True)
class Catalogue:
    fields: dict[str, FieldSpec]

    def get(self, name: str) -> FieldSpec | None:
        return self.fields.get(name)

    def names(self) -> list[str]:
        return list(self.fields)


def build_catalogue(
    compliance_subjects: tuple[str, ...],
    activity_subjects: tuple[str, ...],
    watchlist_kinds: tuple[str, ...],
    window_days: tuple[int, ...] = (),
) -> Catalogue:
    """The catalogue for the configured compliance subjects and watchlist kinds."""
    specs: list[FieldSpec] = []
    for name, dtype in HEADER_FIELDS.items():
        specs.append(
            FieldSpec(name, _declared_kind(dtype), _DECLARED_DESCRIPTIONS[name], "declaration")
        )
    for name, dtype in ITEM_FIELDS.items():
        specs.append(FieldSpec(name, _declared_kind(dtype), _DECLARED_DESCRIPTIONS[name], "item"))
    specs.extend(_DERIVED)
    specs.extend(_CALENDAR)
    for subject in compliance_subjects:
        label = _SUBJECT_LABELS.get(subject, subject.replace("_", " × "))
        specs.append(
            FieldSpec(
                f"{subject}_finding_rate",
                Kind.NUMBER,
                f"smoothed share of inspections with a finding, by {label}, before lodging",
                "compliance",
            )
        )
        specs.append(
            FieldSpec(
                f"{subject}_inspections",
                Kind.NUMBER,
                f"inspection outcomes known for the {label} before lodging",
                "compliance",
            )
        )
    for subject in activity_subjects:
        specs.append(
            FieldSpec(
                f"{subject}_declarations",
                Kind.NUMBER,
                f"declarations of the {subject} lodged before this one",
                "compliance",
            )
        )
        specs.append(
            FieldSpec(
                f"is_new_{subject}",
                Kind.BOOL,
                f"the {subject} has lodged no declaration before",
                "compliance",
            )
        )
    specs.extend(_window_specs(window_days))
    for kind in watchlist_kinds:
        specs.append(
            FieldSpec(
                f"{kind}_watchlisted",
                Kind.BOOL,
                f"an active watchlist entry names the item's {kind.replace('_', ' ')}",
                "watchlist",
            )
        )
    return Catalogue({spec.name: spec for spec in specs})


def markdown_table(catalogue: Catalogue) -> str:
    """The catalogue as a Markdown table (docs/profiles.md holds it)."""
    lines = ["| field | type | group | meaning |", "|---|---|---|---|"]
    for spec in catalogue.fields.values():
        lines.append(f"| `{spec.name}` | {spec.kind.value} | {spec.group} | {spec.description} |")
    return "\n".join(lines)


if __name__ == "__main__":
    # Imported here, not at the top: the features package itself builds on this module.
    features = importlib.import_module("portcullis.engine.features")
    print(markdown_table(features.default_catalogue()))
