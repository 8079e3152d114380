"""Queries over decisions that several pages share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from portcullis.web.scoring.models import Decision


def latest_decisions() -> QuerySet[Decision]:
    """Each declaration's latest decision (an amendment's reassessment replaces the first),
    with ``effective`` the channel that applies once any override is taken into account."""
    later = Decision.objects.filter(declaration=OuterRef("declaration")).filter(
        Q(assessed_at__gt=OuterRef("assessed_at"))
        | Q(assessed_at=OuterRef("assessed_at"), pk__gt=OuterRef("pk"))
    )
    return Decision.objects.filter(~Exists(later)).annotate(
        effective=Coalesce("override__channel", "channel")
    )
