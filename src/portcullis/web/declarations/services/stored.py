"""A stored declaration read back into the engine's canonical form."""

from __future__ import annotations

from typing import Any

from portcullis.engine.schema import Declaration as CanonicalDeclaration
from portcullis.engine.schema import Item as CanonicalItem
from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.models import Inspection

# Header fields stored as plain columns of the same name (the rest are keys or relations).
HEADER_COLUMNS = (
    "procedure", "process_type", "import_use", "payment_type", "transport_mode",
    "country_of_departure",
)  # fmt: skip
ITEM_COLUMNS = tuple(CanonicalItem.model_fields)  # every item field has its column
_OUTCOME = ("finding", "critical", "additional_duties", "seizure", "inspected_at", "notes")


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
    inspection = Inspection.objects.filter(declaration=row, source="imported").first()
    if inspection is not None:
        data["outcome"] = {
            **{name: getattr(inspection, name) for name in _OUTCOME},
            "finding_type": inspection.finding_type or None,
        }
    # Blank text columns come back as "", which the optional fields read as "not given".
    return CanonicalDeclaration.model_validate(data)
