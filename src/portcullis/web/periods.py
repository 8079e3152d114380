"""A period of whole days, as the analytic pages choose them: first and last day included,
in the installation's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

WINDOW_DAYS = 30  # the default period's length, ending today


@dataclass(frozen=True)
class Period:
    """Whole days, ``start`` to ``end`` included, in the installation's time zone."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """The instants it covers: from the start of its first day to that of the day after
        its last."""
        return day_start(self.start), day_start(self.end + timedelta(days=1))


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def default_period(today: date, days: int = WINDOW_DAYS) -> Period:
    """The ``days`` ending ``today``."""
    return Period(today - timedelta(days=days - 1), today)
