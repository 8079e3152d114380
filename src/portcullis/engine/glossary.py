"""Short names of fields and model features as officers read them ("origin", "dispatched
from", "unit value against reference"): one glossary for the decision's summary, the
model's factors and the drift report. The catalogue says in full what each field means;
this says it in a few words. The web layer translates these terms (they are in its message
catalogue); a name without a term reads as its words ("tax_rate" → "tax rate")."""

from __future__ import annotations

from portcullis.engine.model.features import TRANSFORMED

TERMS = {
    "score": "model score",
    "office": "office",
    "procedure": "procedure",
    "process_type": "process type",
    "import_use": "import use",
    "payment_type": "payment type",
    "transport_mode": "transport mode",
    "tax_type": "tax type",
    "origin_indicator": "origin indicator",
    "country_of_departure": "dispatched from",
    "origin_country": "origin",
    "hs_code": "HS code",
    "hs_chapter": "HS chapter",
    "hs_heading": "HS heading",
    "hs6": "HS subheading",
    "national_line": "national tariff line",
    "net_mass_kg": "net mass (kg)",
    "customs_value": "customs value",
    "invoice_value": "invoice value",
    "currency": "invoice currency",
    "tax_rate": "duty rate (%)",
    "unit_value": "value per kg",
    "declaration_value": "declaration value",
    "item_count": "items on the declaration",
    "departure_is_origin": "shipped from its origin",
    "declared_rate_ratio": "declared rate against the customs rate",
    "value_ratio": "unit value against reference",
    "valuation_z": "unit value against reference",
    "ref_unit_value": "reference value per kg",
    "importer_aeo": "importer is an AEO",
    "is_new_importer": "importer's first declaration",
    "is_new_declarant": "declarant's first declaration",
    "is_new_seller": "seller's first declaration",
    "watchlist_hits": "watchlist hits",
    "importer_finding_rate": "importer's finding rate",
    "declarant_finding_rate": "declarant's finding rate",
    "seller_finding_rate": "seller's finding rate",
    "importer_inspections": "importer's inspections",
    "declarant_inspections": "declarant's inspections",
    "seller_inspections": "seller's inspections",
    "hs6_finding_rate": "finding rate of the HS subheading",
    "hs4_finding_rate": "finding rate of the HS heading",
    "origin_finding_rate": "finding rate of the origin",
    "hs6_origin_finding_rate": "finding rate of the HS subheading from this origin",
    "hs4_origin_finding_rate": "finding rate of the HS heading from this origin",
    "national_line_finding_rate": "finding rate of the national tariff line",
    "hs6_inspections": "inspections of the HS subheading",
    "hs4_inspections": "inspections of the HS heading",
    "origin_inspections": "inspections of the origin",
    "hs6_origin_inspections": "inspections of the HS subheading from this origin",
    "hs4_origin_inspections": "inspections of the HS heading from this origin",
    "national_line_inspections": "inspections of the national tariff line",
    "importer_declarations": "importer's earlier declarations",
    "declarant_declarations": "declarant's earlier declarations",
    "seller_declarations": "seller's earlier declarations",
    "lodged_hour": "hour lodged",
    "lodged_weekday": "weekday lodged",
    "lodged_on_weekend": "lodged on a weekend",
    "lodged_on_holiday": "lodged on a public holiday",
}


def term(name: str) -> str:
    """The short name of a field or model feature (a transformed feature, such as
    ``log_unit_value``, by the field it transforms)."""
    if name in TERMS:
        return TERMS[name]
    if name.endswith("_watchlisted"):
        return f"{name.removesuffix('_watchlisted').replace('_', ' ')} on the watchlist"
    source = TRANSFORMED.get(name, name)
    return TERMS.get(source, source.replace("_", " "))
