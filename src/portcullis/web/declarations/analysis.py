"""Where analytic defaults end: the newest declaration whose outcome is known."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from portcullis.web.declarations.models import Declaration


def analysis_end() -> datetime | None:
    """Where the default periods of previews and backtests end, and the day profiles are
    judged for review (profiles.statistics): the lodging time of the
    newest declaration whose outcome is known (else of the newest declaration). Counted
    back from the newest declaration, one submission lodged a moment ago would leave the
    period without an outcome to measure a profile by. (Read newest first by the lodging
    index: in live use only the last days' declarations wait for their outcome.)"""
    with_outcome = Declaration.objects.filter(inspection__isnull=False).order_by("-lodged_at")
    latest = with_outcome.values_list("lodged_at", flat=True).first()
    if latest is not None:
        return latest
    newest: datetime | None = Declaration.objects.aggregate(newest=Max("lodged_at"))["newest"]
    return newest
