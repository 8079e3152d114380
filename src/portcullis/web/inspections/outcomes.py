"""Inspection outcomes between the engine's schema and the ``Inspection`` table: the columns
follow from the schema's fields, so the rules live in one place (engine.outcomes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from portcullis.engine.conversion import RateBook, lodging_day
from portcullis.engine.outcomes import FIELDS
from portcullis.engine.revenue import declaration_expected_duty, finding_revenue
from portcullis.engine.schema import Declaration as CanonicalDeclaration
from portcullis.engine.schema import InspectionOutcome
from portcullis.web.declarations.models import Item
from portcullis.web.inspections.models import Inspection
from portcullis.web.reference.rates import rate_book


def expected_duty_of(
    declaration: CanonicalDeclaration, book: RateBook | None = None
) -> Decimal | None:
    """The expected duty of a declaration, on its values in the national currency."""
    book, day = book or rate_book(), lodging_day(declaration.lodged_at)
    return declaration_expected_duty(
        (book.national_amount(item.customs_value, item.currency, day), item.tax_rate, item.duty)
        for item in declaration.items
    )


def stored_expected_duties(declaration_pks: Iterable[int]) -> dict[int, Decimal | None]:
    """The expected duty of each stored declaration (engine.revenue), in the national
    currency."""
    book = rate_book()
    items: dict[int, list[tuple[Decimal | None, Decimal | None, Decimal | None]]] = {}
    rows = Item.objects.filter(declaration_id__any=list(declaration_pks)).values_list(
        "declaration_id", "declaration__lodged_at", "customs_value", "currency", "tax_rate", "duty"
    )
    for pk, lodged_at, value, currency, rate, duty in rows:
        national = book.national_amount(value, currency, lodging_day(lodged_at))
        items.setdefault(pk, []).append((national, rate, duty))
    return {pk: declaration_expected_duty(found) for pk, found in items.items()}


def columns(
    outcome: InspectionOutcome,
    expected_duty: Decimal | None,
    *,
    inspected_at: datetime | None = None,
) -> dict[str, Any]:
    """The ``Inspection`` columns that hold ``outcome`` and what its finding is worth, given
    the declaration's expected duty (text columns are never NULL)."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(outcome, name)
        if name == "finding_type":
            value = value.value if value is not None else ""
        elif name == "notes":
            value = value or ""
        values[name] = value
    if inspected_at is not None and values["inspected_at"] is None:
        values["inspected_at"] = inspected_at
    revenue, basis = finding_revenue(outcome.finding, outcome.additional_duties, expected_duty)
    values["revenue"], values["revenue_basis"] = revenue, basis.value if basis else ""
    return values


def as_outcome(inspection: Inspection) -> dict[str, Any]:
    """What ``inspection`` says, as the schema's fields (JSON-ready: kept with corrections)."""
    found: dict[str, Any] = {name: getattr(inspection, name) for name in FIELDS}
    found["finding_type"] = inspection.finding_type or None
    found["notes"] = inspection.notes or None
    return InspectionOutcome.model_validate(found).model_dump(mode="json")
