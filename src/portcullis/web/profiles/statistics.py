"""Hit statistics of profiles, as stored by profiles.figures, and the review flag: a fixed
policy on real elapsed time. An active profile, live for at least
``PORTCULLIS_PROFILE_REVIEW_DAYS`` days, with no finding recorded in the last that many
days, is flagged for the analysts to review or let expire. Days are days of the calendar
(when the profile went live, when each result was recorded), so a declaration lodged a
moment ago, or a history replayed from another year, changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from portcullis.engine.measurement import share
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


def needs_review(
    active: bool,
    live_since: datetime | None,
    found_lately: bool,
    now: datetime,
    days: int,
) -> bool:
    """Active, live for at least ``days`` days, and no finding recorded in the last
    ``days`` (``found_lately``)."""
    if not active or live_since is None:
        return False
    if live_since > now - timedelta(days=days):
        return False  # too young to judge
    return not found_lately


def statistics(profile: Profile, *, review: bool = False) -> HitStatistics:
    return HitStatistics(
        hits=profile.hits,
        inspected=profile.inspected,
        findings=profile.findings,
        revenue=profile.revenue,
        last_hit=profile.last_hit_lodged_at,
        last_finding=profile.last_finding_lodged_at,
        needs_review=review,
    )
