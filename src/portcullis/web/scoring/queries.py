"""Queries over where declarations stand that several pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from portcullis.web.pages.access import in_offices
from portcullis.web.scoring.models import CurrentDecision


def current_decisions(offices: list[str] | None = None) -> QuerySet[CurrentDecision]:
    """Each declaration's latest decision, with the channel that applies, in ``offices``
    (None: every office)."""
    return CurrentDecision.objects.filter(in_offices(offices))
