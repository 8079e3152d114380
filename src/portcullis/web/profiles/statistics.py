"""Hit statistics of profiles, as stored by profiles.figures, and the review flag: an active
profile that has found nothing for ``PORTCULLIS_PROFILE_REVIEW_DAYS`` days of history is
flagged for the analysts to review or let expire. The days are counted up to the newest
declaration whose outcome is known (declarations.analysis)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from portcullis.engine.measurement import share
from portcullis.web.declarations.analysis import analysis_end
from portcullis.web.profiles.models import Profile


@dataclass(frozen=True)
class HitStatistics:
    hits: int  # declarations hit, every version
    inspected: int
    findings: int
    revenue: Decimal
    last_hit: datetime | None  # lodging times of the declarations
    last_finding: datetime | None
    needs_review: bool = False

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)


def history_as_of() -> datetime | None:
    """The lodging time of the newest declaration whose outcome is known: "N days without
    a finding" counts days in which a finding could have been known, so a declaration
    lodged a moment ago (no outcome yet) does not make every profile look stale, and a
    replayed or demo history is judged by its own calendar."""
    return analysis_end()


def needs_review(profile: Profile, active: bool, as_of: datetime | None, days: int) -> bool:
    """Active, hitting for at least ``days`` days, and no finding in the last ``days``."""
    if not active or as_of is None or profile.first_hit_lodged_at is None:
        return False
    since = as_of - timedelta(days=days)
    if profile.first_hit_lodged_at > since:
        return False  # too young to judge
    return profile.last_finding_lodged_at is None or profile.last_finding_lodged_at < since


def statistics(
    profile: Profile, *, active: bool = False, as_of: datetime | None = None
) -> HitStatistics:
    return HitStatistics(
        hits=profile.hits,
        inspected=profile.inspected,
        findings=profile.findings,
        revenue=profile.revenue,
        last_hit=profile.last_hit_lodged_at,
        last_finding=profile.last_finding_lodged_at,
        needs_review=needs_review(profile, active, as_of, settings.PORTCULLIS_PROFILE_REVIEW_DAYS),
    )
