"""A profile's figures over a chosen period: the declarations it hit that were lodged in it,
how many of them were inspected, what was found and the revenue at stake. Beside the
lifetime counters (profiles.figures), which are kept as hits and outcomes arrive."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from portcullis.engine.measurement import share
from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.reach import Reach
from portcullis.web.periods import Period
from portcullis.web.profiles.models import Profile


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    hits: int  # declarations hit, each once however many items or decisions
    inspected: int
    findings: int
    revenue: Decimal
    latest_hit: object = None  # the day of the profile's latest hit, for "where the data is"

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)

    @property
    def empty(self) -> bool:
        return self.hits == 0


Outcome = tuple[bool | None, Decimal | None]  # (finding, revenue) of a declaration hit


def hit_outcomes(
    reach: Reach, start: datetime, end: datetime, profile: Profile | None = None
) -> dict[int, list[Outcome]]:
    """Per profile (or for ``profile`` alone), the outcome of each declaration within
    ``reach`` lodged in [start, end) that it hit: once per declaration, however many of its
    items or decisions the profile hit."""
    hit = (
        {"decisions__profile_hits__profile_version__profile": profile}
        if profile is not None
        else {"decisions__profile_hits__isnull": False}
    )
    rows = (
        Declaration.objects.filter(reach.q(), lodged_at__gte=start, lodged_at__lt=end, **hit)
        .values_list(
            "decisions__profile_hits__profile_version__profile_id",
            "pk",
            "inspection__finding",
            "inspection__revenue",
        )
        .order_by()  # DISTINCT over these columns alone
        .distinct()
    )
    outcomes: dict[int, list[Outcome]] = defaultdict(list)
    for profile_id, _pk, finding, revenue in rows:
        outcomes[profile_id].append((finding, revenue))
    return outcomes


def period_figures(profile: Profile, reach: Reach, period: Period) -> PeriodFigures:
    outcomes = hit_outcomes(reach, *period.bounds(), profile).get(profile.pk, [])
    found = [revenue or Decimal(0) for finding, revenue in outcomes if finding]
    last = profile.last_hit_lodged_at
    return PeriodFigures(
        period=period,
        hits=len(outcomes),
        inspected=sum(1 for finding, _ in outcomes if finding is not None),
        findings=len(found),
        revenue=sum(found, Decimal(0)),
        latest_hit=timezone.localtime(last).date() if last else None,
    )
