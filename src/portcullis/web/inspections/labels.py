"""Finding types as officers read them: one table for the forms, the pages, the reports and
the admin (the engine stores codes such as ``prohibited_restricted``)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portcullis.engine.schema import FindingType

FINDING_LABELS: dict[str, Promise] = {
    FindingType.UNDERVALUATION.value: _("Undervaluation"),
    FindingType.MISCLASSIFICATION.value: _("Misclassification"),
    FindingType.ORIGIN.value: _("Origin"),
    FindingType.PROHIBITED_RESTRICTED.value: _("Prohibited or restricted goods"),
    FindingType.IPR.value: _("Intellectual property (IPR)"),
    FindingType.QUANTITY.value: _("Quantity"),
    FindingType.OTHER.value: _("Other"),
}


def finding_label(code: str | None) -> str:
    """The label of a stored finding type ("" for none; an unknown code as it is)."""
    if not code:
        return ""
    return str(FINDING_LABELS.get(code, code))
