"""Keeping each profile's stored hit statistics equal to its hits and their outcomes.

Recomputed for the profiles a change touches (a stored decision that hit them, an outcome
on a declaration they hit), inside that change's transaction, after locking the profiles'
rows in primary-key order: a concurrent writer waits, then counts what the first committed
(see traders.figures). A declaration counts once per profile, however many of its items or
decisions the profile hit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.apps import apps as installed
from django.apps.registry import Apps
from django.db.models import Count, Max, Min, Q, Sum

FIGURES = (
    "hits",
    "inspected",
    "findings",
    "revenue",
    "first_hit_lodged_at",
    "last_hit_lodged_at",
    "last_finding_lodged_at",
)


def profiles_hitting(declaration_pks: Iterable[int], registry: Apps = installed) -> set[int]:
    """The profiles any stored decision on these declarations hit."""
    hit = registry.get_model("scoring", "ProfileHit")
    return set(
        hit.objects.filter(decision__declaration_id__in=list(declaration_pks))
        .values_list("profile_version__profile_id", flat=True)
        .distinct()
    )


def refresh_profile_figures(
    profile_ids: Iterable[int] | None = None, registry: Apps = installed
) -> None:
    """Recompute the statistics of ``profile_ids`` (every profile when None). Two queries a
    profile: profiles are few, their hits many."""
    profile = registry.get_model("profiles", "Profile")
    declaration = registry.get_model("declarations", "Declaration")
    hit = registry.get_model("scoring", "ProfileHit")
    rows = profile.objects.select_for_update().order_by("pk")
    if profile_ids is not None:
        rows = rows.filter(pk__in=set(profile_ids))
    found = Q(inspection__finding=True)
    changed = []
    for row in rows:
        hit_declarations = hit.objects.filter(profile_version__profile_id=row.pk).values(
            "decision__declaration_id"
        )
        figures = declaration.objects.filter(pk__in=hit_declarations).aggregate(
            hits=Count("pk"),
            inspected=Count("inspection"),
            findings=Count("inspection", filter=found),
            revenue=Sum("inspection__revenue", filter=found),
            first_hit_lodged_at=Min("lodged_at"),
            last_hit_lodged_at=Max("lodged_at"),
            last_finding_lodged_at=Max("lodged_at", filter=found),
        )
        figures["revenue"] = figures["revenue"] or Decimal(0)
        for name, value in figures.items():
            setattr(row, name, value)
        changed.append(row)
    profile.objects.bulk_update(changed, FIGURES)
