"""A profile's figures over a chosen period: the declarations it hit that were lodged in it,
how many of them were inspected, what was found and the revenue at stake. Beside the
lifetime counters (profiles.figures), which are kept as hits and outcomes arrive."""

from __future__ import annotations

from dataclasses import dataclass
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


def period_figures(profile: Profile, reach: Reach, period: Period) -> PeriodFigures:
    start, end = period.bounds()
    rows = (
        Declaration.objects.filter(
            reach.q(),
            lodged_at__gte=start,
            lodged_at__lt=end,
            decisions__profile_hits__profile_version__profile=profile,
        )
        .values_list("pk", "inspection__finding", "inspection__revenue")
        .order_by()
        .distinct()
    )
    outcomes = {pk: (finding, revenue) for pk, finding, revenue in rows}
    found = [revenue or Decimal(0) for finding, revenue in outcomes.values() if finding]
    last = profile.last_hit_lodged_at
    return PeriodFigures(
        period=period,
        hits=len(outcomes),
        inspected=sum(1 for finding, _ in outcomes.values() if finding is not None),
        findings=len(found),
        revenue=sum(found, Decimal(0)),
        latest_hit=timezone.localtime(last).date() if last else None,
    )
