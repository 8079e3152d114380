"""Each profile's stored hit statistics: kept equal to its hits and their outcomes by adding
what changes (a decision's new hits, an outcome's difference: inspections.feedback, in the
change's own transaction, see web.counters), and counted again from every hit and outcome
only by ``recount_profile_figures``, the check that the two agree (and the repair if they
ever did not). A declaration counts once per profile, however many of its items or
decisions the profile hit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps as installed
from django.db.models import Count, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least

from portcullis.web.counters import Change, apply_changes

FIGURES = (
    "hits",
    "inspected",
    "findings",
    "revenue",
    "first_hit_lodged_at",
    "last_hit_lodged_at",
    "last_finding_lodged_at",
)


def apply_profile_changes(changes: dict[int, Change]) -> None:
    """Add each profile's change (by primary key) to its outcome figures."""
    apply_changes(installed.get_model("profiles", "Profile"), changes, _latest_findings)


def _latest_findings(profile_ids: list[int]) -> dict[int, Any]:
    """The latest finding among each profile's hits, as the outcomes stand: its hits walked
    from the newest back (by their index), only when a finding was taken back from it."""
    hit = installed.get_model("profiles", "ProfileDeclaration")
    found = {}
    for pk in profile_ids:
        rows = hit.objects.filter(profile_id=pk, declaration__inspection__finding=True)
        found[pk] = rows.order_by("-lodged_at").values_list("lodged_at", flat=True).first()
    return found


def add_hits(new: dict[int, list[Any]]) -> None:
    """Count declarations a profile hit for the first time (by profile, their lodging
    times): ``hits`` and the first and last hit's times."""
    if not new:
        return
    profile = installed.get_model("profiles", "Profile")
    for pk, lodged in sorted(new.items()):  # primary-key order: see web.counters
        profile.objects.filter(pk=pk).update(
            hits=F("hits") + len(lodged),
            first_hit_lodged_at=Least(
                Coalesce("first_hit_lodged_at", Value(min(lodged))), Value(min(lodged))
            ),
            last_hit_lodged_at=Greatest(
                Coalesce("last_hit_lodged_at", Value(max(lodged))), Value(max(lodged))
            ),
        )


def hit_times_changed(profile_ids: list[int]) -> None:
    """The first and last hit's times of each profile looked up again (by the index of its
    hits by time): a hit's lodging time moved."""
    profile = installed.get_model("profiles", "Profile")
    hit = installed.get_model("profiles", "ProfileDeclaration")
    for pk in sorted(profile_ids):
        times = hit.objects.filter(profile_id=pk).values_list("lodged_at", flat=True)
        profile.objects.filter(pk=pk).update(
            first_hit_lodged_at=times.order_by("lodged_at").first(),
            last_hit_lodged_at=times.order_by("-lodged_at").first(),
        )


def recount_profile_figures() -> None:
    """Count every profile's statistics again from every hit and outcome, and store them.
    Two queries a profile."""
    profile = installed.get_model("profiles", "Profile")
    declaration = installed.get_model("declarations", "Declaration")
    hit = installed.get_model("scoring", "ProfileHit")
    found = Q(inspection__finding=True)
    changed = []
    for row in profile.objects.select_for_update().order_by("pk"):
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
