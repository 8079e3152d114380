"""Inspection outcomes between the engine's schema and the ``Inspection`` table: the columns
follow from the schema's fields, so the rules live in one place (engine.outcomes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portcullis.engine.outcomes import FIELDS
from portcullis.engine.schema import InspectionOutcome
from portcullis.web.inspections.models import Inspection


def columns(outcome: InspectionOutcome, *, inspected_at: datetime | None = None) -> dict[str, Any]:
    """The ``Inspection`` columns that hold ``outcome`` (text columns are never NULL)."""
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
    return values


def as_outcome(inspection: Inspection) -> dict[str, Any]:
    """What ``inspection`` says, as the schema's fields (JSON-ready: kept with corrections)."""
    found: dict[str, Any] = {name: getattr(inspection, name) for name in FIELDS}
    found["finding_type"] = inspection.finding_type or None
    found["notes"] = inspection.notes or None
    return InspectionOutcome.model_validate(found).model_dump(mode="json")
