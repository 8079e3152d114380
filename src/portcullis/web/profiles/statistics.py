"""Hit statistics of profiles, from the decisions their versions hit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q

from portcullis.engine.measurement import share
from portcullis.web.scoring.models import ProfileHit


@dataclass(frozen=True)
class HitStatistics:
    hits: int  # declarations hit, every version
    inspected: int
    findings: int
    last_hit: datetime | None

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)


NO_HITS = HitStatistics(hits=0, inspected=0, findings=0, last_hit=None)


def hit_statistics(profile_ids: list[int]) -> dict[int, HitStatistics]:
    rows = (
        ProfileHit.objects.filter(profile_version__profile_id__in=profile_ids)
        .values("profile_version__profile_id")
        .annotate(
            hits=Count("decision", distinct=True),
            inspected=Count(
                "decision",
                filter=Q(decision__declaration__inspection__isnull=False),
                distinct=True,
            ),
            findings=Count(
                "decision", filter=Q(decision__declaration__inspection__finding=True), distinct=True
            ),
            last_hit=Max("decision__assessed_at"),
        )
    )
    return {
        row["profile_version__profile_id"]: HitStatistics(
            row["hits"], row["inspected"], row["findings"], row["last_hit"]
        )
        for row in rows
    }
