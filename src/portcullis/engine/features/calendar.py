"""When a declaration was lodged, as the office's calendar sees it: the weekday and hour in
the installation's time zone, whether that was a weekend or a public holiday.

Lodging at 3 a.m. on a holiday, when few officers are on duty, is a classic of smuggling
by timing. The holidays are reference data (the ``holidays`` package's table for the
country, or the administration's own), so the figures depend on more than the declaration:
a decision stores those it read, and a replay uses them. One declaration and a batch go
through the same function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, partial
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features.table import OnDemand
from portcullis.engine.weekdays import CalendarError

WEEKDAY, HOUR = "lodged_weekday", "lodged_hour"
WEEKEND, HOLIDAY = "lodged_on_weekend", "lodged_on_holiday"
FIELDS = (WEEKDAY, HOUR, WEEKEND, HOLIDAY)


@dataclass(frozen=True)
class Calendar:
    """The installation's calendar: its time zone, its weekend days and public holidays."""

    time_zone: str = "UTC"
    holidays: frozenset[date] = frozenset()
    weekend: tuple[int, ...] = (6, 7)  # ISO weekdays: Saturday and Sunday

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (KeyError, ValueError) as error:
            raise CalendarError(f"{self.time_zone!r} is not an IANA time zone name") from error
        if not set(self.weekend) <= set(range(1, 8)):
            raise CalendarError(f"weekend days must be 1 to 7, not {self.weekend}")

    def local(self, lodged_at: pl.Series) -> pl.DataFrame:
        """Each lodging time's local weekday, hour and date."""
        moments = lodged_at.dt.convert_time_zone(self.time_zone)
        return pl.DataFrame(
            {
                WEEKDAY: moments.dt.weekday(),
                HOUR: moments.dt.hour(),
                "day": moments.dt.date(),
            }
        )

    def figures(self, lodged_at: pl.Series) -> dict[str, npt.NDArray[np.generic]]:
        """Every calendar field of each lodging time (null times: NaN and false)."""
        local = self.local(lodged_at)
        known = lodged_at.is_not_null().to_numpy()
        weekday = local.get_column(WEEKDAY).cast(pl.Float64).fill_null(np.nan).to_numpy()
        hour = local.get_column(HOUR).cast(pl.Float64).fill_null(np.nan).to_numpy()
        weekend = local.get_column(WEEKDAY).is_in(list(self.weekend)).fill_null(False)
        holidays = pl.Series(sorted(self.holidays), dtype=pl.Date)
        holiday = local.get_column("day").is_in(holidays.implode()).fill_null(False)
        return {
            WEEKDAY: weekday,
            HOUR: hour,
            WEEKEND: weekend.to_numpy() & known,
            HOLIDAY: holiday.to_numpy() & known,
        }

    def one(self, lodged_at: datetime | None) -> dict[str, float | bool | None]:
        """Every calendar field of one lodging time, as ``figures`` gives it for many."""
        if lodged_at is None:
            return {WEEKDAY: None, HOUR: None, WEEKEND: False, HOLIDAY: False}
        local = lodged_at.astimezone(self._zone)
        weekday = local.isoweekday()
        return {
            WEEKDAY: float(weekday),
            HOUR: float(local.hour),
            WEEKEND: weekday in self.weekend,
            HOLIDAY: local.date() in self.holidays,
        }

    @cached_property
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def fields(self, items: pl.DataFrame) -> dict[str, OnDemand]:
        """The calendar fields of ``items``, made (all four at once) only when one is read."""
        made: dict[str, npt.NDArray[np.generic]] = {}

        def pick(name: str) -> npt.NDArray[np.generic]:
            if not made:
                made.update(self.figures(items.get_column("lodged_at")))
            return made[name]

        return {name: OnDemand(partial(_series, name, partial(pick, name))) for name in FIELDS}


def _series(name: str, values: Callable[[], npt.NDArray[np.generic]]) -> pl.Series:
    array = values()
    if array.dtype == np.float64:
        return pl.Series(name, array, dtype=pl.Float64, nan_to_null=True)
    return pl.Series(name, array, dtype=pl.Boolean)
