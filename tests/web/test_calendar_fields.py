"""The calendar fields on a real database: holidays loaded as reference data, read in the
installation's time zone, stored with the decisions that read them and replayed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from portcullis.web.audit.models import AuditEvent
from portcullis.web.errors import Invalid
from portcullis.web.reference.models import PublicHoliday
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.replaying import replay
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.reference import load_holidays
from tests.builders import declaration
from tests.web.acting import active_profile, lodge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_engine")]


@pytest.fixture(autouse=True)
def _seoul(settings):
    settings.TIME_ZONE = "Asia/Seoul"


def test_holidays_load_from_the_package_once_and_from_a_file_naming_a_bad_line(tmp_path: Path):
    first = load_holidays(Actor.system(), country="KR", years=range(2021, 2022))
    again = load_holidays(Actor.system(), country="KR", years=range(2021, 2022))
    assert first.stored > 10
    assert (again.stored, again.unchanged) == (0, first.stored)
    assert PublicHoliday.objects.filter(day="2021-03-01").exists()
    bad = tmp_path / "ours.csv"
    bad.write_text("date,name\n2021-02-03,Customs Day\nsoon,Later\n")
    with pytest.raises(Invalid, match=r"ours\.csv line 3: date 'soon' is not a date"):
        load_holidays(Actor.system(), bad)
    assert not PublicHoliday.objects.filter(name="Customs Day").exists()  # all or nothing
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert list(actions) == ["reference.load_holidays"] * 2


def test_a_calendar_profile_reads_local_time_stores_what_it_read_and_replays(
    users, trained, tmp_path: Path
):
    weekday = active_profile(
        users["analyst"],
        users["supervisor"],
        "Wednesday mornings",
        criteria="lodged_weekday == 3 and lodged_hour == 10",  # 10:15 in Seoul
        mandatory=True,
    )
    holiday = active_profile(
        users["analyst"],
        users["supervisor"],
        "Holidays",
        criteria="lodged_on_holiday",
        mandatory=True,
    )
    (before,) = lodge(declaration("D-1"))
    hits = {h.profile_version_id for h in before.decision.profile_hits.all()}
    assert hits == {weekday.pk}
    stored = before.decision.inputs[0]
    assert (stored["lodged_weekday"], stored["lodged_hour"]) == (3, 10)
    assert stored["lodged_on_holiday"] is False
    assert "lodged_on_weekend" not in stored  # not read, not stored

    ours = tmp_path / "customs-day.csv"
    ours.write_text("2021-02-03,Customs Day\n")
    call_command("load_holidays", str(ours))
    (after,) = lodge(declaration("D-2"))
    assert {h.profile_version_id for h in after.decision.profile_hits.all()} == {
        weekday.pk,
        holiday.pk,
    }
    assert replay(Decision.objects.get(pk=before.decision.pk)).same  # as the table was then
