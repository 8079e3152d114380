"""A model version's performance in use (portcullis.engine.performance says how it is read):
the declarations whose current decision it scored, week by week, at the active policy's
target rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl
from django.db.models import Max
from django.utils import timezone

from portcullis.engine.performance import COLUMNS, Week, overall, weekly
from portcullis.web.declarations.reach import Reach
from portcullis.web.periods import Period
from portcullis.web.scoring.models import ModelVersion
from portcullis.web.scoring.queries import current_decisions
from portcullis.web.scoring.retraining import target_rate

WEEKS = 26
_FIELDS = (
    "lodged_at",
    "decision__model_score",
    "reason",
    "sampled",
    "declaration__inspection__finding",
    "declaration__inspection__revenue",
)


@dataclass
class Performance:
    rate: float  # percent
    weeks: list[Week]
    total: Week | None
    period: Period | None = None  # the days asked for (None: the latest WEEKS it decided)
    latest: date | None = None  # the day of the latest declaration it decided


def performance(version: ModelVersion, reach: Reach, period: Period | None = None) -> Performance:
    """Weekly figures over the declarations within ``reach`` lodged in ``period``, or by
    default over the latest WEEKS weeks the version decided (a year of a busy flow is
    millions of rows)."""
    decided = current_decisions(reach).filter(decision__model_version=version)
    latest = decided.aggregate(latest=Max("lodged_at"))["latest"]
    last_day = timezone.localtime(latest).date() if latest is not None else None
    if period is not None:
        start, end = period.bounds()
        decided = decided.filter(lodged_at__gte=start, lodged_at__lt=end)
    elif latest is not None:
        day = timezone.localtime(latest).date()
        monday = day - timedelta(days=day.weekday(), weeks=WEEKS - 1)
        decided = decided.filter(
            lodged_at__gte=timezone.make_aware(datetime.combine(monday, time.min))
        )
    rows = decided.values_list(*_FIELDS).iterator(chunk_size=20_000)
    frame = pl.DataFrame(
        [(_local(at), score, reason, sampled, finding, None if duties is None else float(duties))
         for at, score, reason, sampled, finding, duties in rows],
        schema=COLUMNS,
        orient="row",
    )  # fmt: skip
    rate = target_rate()
    weeks = weekly(frame, rate)
    return Performance(rate, weeks, overall(weeks), period, last_day)


def _local(moment: datetime) -> datetime:
    """Weeks run Monday to Sunday in the installation's time zone."""
    return timezone.localtime(moment).replace(tzinfo=None)
