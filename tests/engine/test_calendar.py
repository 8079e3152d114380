"""The calendar fields: the local weekday, hour, weekend and public holiday of a lodging time,
the same for a batch, for each declaration alone and by plain Python counting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portcullis.engine.features import FeatureContext, build_features, empty_context
from portcullis.engine.features.calendar import FIELDS, Calendar
from portcullis.engine.features.table import OnDemand
from portcullis.engine.holiday_table import HolidayError, csv_holidays, package_holidays
from portcullis.engine.items import TIME
from portcullis.engine.weekdays import CalendarError, weekdays
from tests.engine.risk import frame, item

ZONES = ("UTC", "Asia/Seoul", "Europe/London", "America/New_York", "Asia/Kolkata")
START = datetime(2024, 1, 1, tzinfo=UTC)


def _expected(moment: datetime | None, calendar: Calendar) -> dict[str, object]:
    if moment is None:
        return {
            "lodged_weekday": None,
            "lodged_hour": None,
            "lodged_on_weekend": False,
            "lodged_on_holiday": False,
        }
    local = moment.astimezone(ZoneInfo(calendar.time_zone))
    return {
        "lodged_weekday": float(local.isoweekday()),
        "lodged_hour": float(local.hour),
        "lodged_on_weekend": local.isoweekday() in calendar.weekend,
        "lodged_on_holiday": local.date() in calendar.holidays,
    }


def _read(calendar: Calendar, moments: list[datetime | None]) -> list[dict[str, object]]:
    columns = calendar.fields(pl.DataFrame({"lodged_at": pl.Series(moments, dtype=TIME)}))
    made = {name: columns[name].make().to_list() for name in FIELDS}
    return [{name: made[name][row] for name in FIELDS} for row in range(len(moments))]


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hours=st.lists(st.one_of(st.none(), st.integers(0, 24 * 400)), min_size=1, max_size=30),
    holiday_days=st.sets(st.integers(0, 400), max_size=20),
    weekend=st.sets(st.integers(1, 7), max_size=3),
)
def test_a_batch_one_by_one_and_counting_agree(zone, hours, holiday_days, weekend):
    calendar = Calendar(
        zone,
        frozenset(date(2024, 1, 1) + timedelta(days=d) for d in holiday_days),
        tuple(sorted(weekend)),
    )
    moments = [None if h is None else START + timedelta(hours=h, minutes=30) for h in hours]
    batch = _read(calendar, moments)
    one_by_one = [_read(calendar, [moment])[0] for moment in moments]
    counted = [_expected(moment, calendar) for moment in moments]
    assert batch == one_by_one == counted


def test_the_local_day_decides_not_the_utc_day():
    # 23:30 UTC on Friday 2024-03-01 is 08:30 on Saturday in Seoul, a weekend and a holiday.
    calendar = Calendar("Asia/Seoul", frozenset({date(2024, 3, 2)}))
    (figures,) = _read(calendar, [datetime(2024, 3, 1, 23, 30, tzinfo=UTC)])
    assert figures == {
        "lodged_weekday": 6.0,
        "lodged_hour": 8.0,
        "lodged_on_weekend": True,
        "lodged_on_holiday": True,
    }
    (in_utc,) = _read(Calendar(), [datetime(2024, 3, 1, 23, 30, tzinfo=UTC)])
    assert in_utc["lodged_weekday"] == 5.0
    assert not in_utc["lodged_on_weekend"]


def test_the_fields_are_made_only_when_read():
    context = empty_context()
    features = build_features(frame(item("A")), FeatureContext(context.prices, context.compliance))
    assert all(isinstance(features.columns[name], OnDemand) for name in FIELDS)
    (row,) = features.rows(pl.Series([0]).to_numpy(), FIELDS)
    assert row == {}  # nothing read: nothing made, nothing a decision would store
    assert features.numbers("lodged_hour").tolist() == [0.0]  # the rows' midnight, UTC


@pytest.mark.parametrize(
    ("text", "days"),
    [("6,7", (6, 7)), ("Friday, Saturday", (5, 6)), ("sun", (7,)), ("5,5", (5,))],
)
def test_weekend_days_are_numbers_or_names(text, days):
    assert weekdays(text) == days


@pytest.mark.parametrize("text", ["8", "0", "S", "Funday"])
def test_a_wrong_weekend_day_is_refused(text):
    with pytest.raises(CalendarError, match="is not a weekday"):
        weekdays(text)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(CalendarError, match="'Mars/Olympus' is not an IANA time zone"):
        Calendar("Mars/Olympus")


def test_the_holidays_package_gives_a_country_s_table():
    korean = package_holidays("kr", [2026])
    assert date(2026, 1, 1) in {h.day for h in korean}
    assert any("Korean New Year" in h.name for h in korean)
    assert korean[0].source.startswith("holidays ")
    assert korean[0].source.endswith(" KR")
    with pytest.raises(HolidayError, match="has no table for 'XX'"):
        package_holidays("XX", [2026])


def test_a_holiday_file_is_read_or_refused_naming_the_line(tmp_path: Path):
    good = tmp_path / "holidays.csv"
    good.write_text("date,name\n2026-03-01,Independence Movement Day\n\n2026-05-05,Children\n")
    assert [(h.day.isoformat(), h.name) for h in csv_holidays(good)] == [
        ("2026-03-01", "Independence Movement Day"),
        ("2026-05-05", "Children"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,name\n2026-03-01,Fine\n2026-13-01,Wrong\n")
    with pytest.raises(HolidayError, match=r"bad.csv line 3: date '2026-13-01' is not a date"):
        csv_holidays(bad)
    short = tmp_path / "short.csv"
    short.write_text("2026-03-01\n")
    with pytest.raises(HolidayError, match="line 1: expected date,name, found 1 fields"):
        csv_holidays(short)


def test_the_calendar_example_runs_as_documented():
    from portcullis.engine.features import default_catalogue
    from portcullis.engine.rules.profiles import Profile, ProfileSet
    from tests.engine.test_profile_language import _documented_example

    criteria = _documented_example("## Calendar")
    assert criteria == (
        '(lodged_on_weekend or lodged_on_holiday or lodged_hour >= 22) and hs_chapter == "71"'
    )
    seoul = Calendar("Asia/Seoul", frozenset({date(2024, 3, 1)}))
    at = {
        "SAT": datetime(2024, 3, 1, 23, 30, tzinfo=UTC),  # Saturday 08:30 in Seoul
        "HOLIDAY": datetime(2024, 2, 29, 16, 0, tzinfo=UTC),  # Friday 1 March, 01:00
        "NIGHT": datetime(2024, 3, 5, 13, 30, tzinfo=UTC),  # Tuesday 22:30
        "TUESDAY": datetime(2024, 3, 5, 1, 0, tzinfo=UTC),  # Tuesday 10:00
    }
    rows = [item(name, hs_code="711319", lodged_at=moment) for name, moment in at.items()]
    rows.append(item("STEEL", hs_code="720851", lodged_at=at["SAT"]))
    context = empty_context()
    features = build_features(
        frame(*rows), FeatureContext(context.prices, context.compliance, calendar=seoul)
    )
    profiles = ProfileSet.compile([Profile("P", 1, criteria)], default_catalogue())
    hit = profiles.hits(features).get_column("row").to_list()
    ids = features.frame.get_column("declaration_id")
    assert [ids[row] for row in hit] == ["SAT", "HOLIDAY", "NIGHT"]
