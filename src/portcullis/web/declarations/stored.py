"""A stored declaration read back into the engine's canonical form."""

from __future__ import annotations

from typing import Any

from portcullis.engine.schema import Declaration as CanonicalDeclaration
from portcullis.engine.schema import Item as CanonicalItem
from portcullis.web.declarations.models import Declaration

# Header fields stored as plain columns of the same name (the rest are keys or relations).
HEADER_COLUMNS = (
    "procedure", "process_type", "import_use", "payment_type", "transport_mode",
    "country_of_departure", "exchange_rate", "filled_in",
    "importer_name", "declarant_name", "seller_name", "courier_name",
)  # fmt: skip
ITEM_COLUMNS = tuple(CanonicalItem.model_fields)  # every item field has its column
_OUTCOME = ("finding", "critical", "additional_duties", "seizure", "inspected_at", "notes")
IMPORTED = "imported"  # inspections.Inspection.Source.IMPORTED


def imported_outcome(row: Declaration) -> dict[str, Any] | None:
    """The outcome the declaration was imported with, as the file gave it (part of what its
    content hash covers): a supervisor's later correction keeps the original beside it."""
    inspection = getattr(row, "inspection", None)  # the reverse one-to-one, if any
    if inspection is None or inspection.source != IMPORTED:
        return None
    first = inspection.corrections.order_by("at", "pk").first()
    if first is not None:
        return dict(first.previous)
    return {
        **{name: getattr(inspection, name) for name in _OUTCOME},
        "finding_type": inspection.finding_type or None,
    }


def stored_declaration(pk: int) -> CanonicalDeclaration:
    """The declaration as it was received (its content hash is the one stored with it)."""
    row = Declaration.objects.select_related(
        "office", "declarant", "importer", "seller", "courier"
    ).get(pk=pk)
    data: dict[str, Any] = {
        "declaration_id": row.declaration_id,
        "lodged_at": row.lodged_at,
        "office": row.office.code,
        **{name: getattr(row, name) for name in HEADER_COLUMNS},
        "declarant": row.declarant.code,
        "importer": row.importer.code,
        "seller": row.seller.code if row.seller else None,
        "courier": row.courier.code if row.courier else None,
        "items": [
            {name: getattr(item, name) for name in ITEM_COLUMNS}
            for item in row.items.order_by("line_no")
        ],
    }
    outcome = imported_outcome(row)
    if outcome is not None:
        data["outcome"] = outcome
    # Blank text columns come back as "", which the optional fields read as "not given".
    return CanonicalDeclaration.model_validate(data)
