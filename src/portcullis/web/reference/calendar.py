"""The installation's calendar as the engine reads it: TIME_ZONE, PORTCULLIS_WEEKEND and the
public holiday table (loading the table: usecases.reference.load_holidays)."""

from __future__ import annotations

from django.conf import settings

from portcullis.engine.features.calendar import Calendar
from portcullis.web.reference.models import PublicHoliday


def installation_calendar() -> Calendar:
    days = frozenset(PublicHoliday.objects.values_list("day", flat=True))
    return Calendar(settings.TIME_ZONE, days, tuple(settings.PORTCULLIS_WEEKEND))
