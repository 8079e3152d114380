"""Backtesting profiles on stored history: the counts match the database's own, and the
command prints them."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max, Min

from portcullis.web.declarations.models import Declaration
from portcullis.web.scoring.backtesting import BacktestError, backtest_profiles
from portcullis.web.scoring.policy_backtesting import (
    backtest_proposed_policy,
    proposed_policy,
)
from portcullis.web.usecases.profiles import draft
from tests.web.acting import active_profile

pytestmark = pytest.mark.django_db
CHINA = 'origin_country == "CN"'


@pytest.fixture
def period(trained):
    span = Declaration.objects.aggregate(first=Min("lodged_at"), last=Max("lodged_at"))
    return span["first"] + timedelta(days=7), span["last"] + timedelta(seconds=1)


def _in_period(start, end):  # type: ignore[no-untyped-def]
    return Declaration.objects.filter(lodged_at__gte=start, lodged_at__lt=end)


def test_hits_outcomes_and_workload_match_the_stored_declarations(period):
    start, end = period
    result = backtest_profiles(draft(CHINA, selection_pct=50), start, end)

    chinese = _in_period(start, end).filter(items__origin_country="CN").distinct()
    inspected = chinese.filter(inspection__isnull=False)
    assert result.declarations == _in_period(start, end).count()
    assert result.total.hits == chinese.count() > 0
    assert result.total.inspected == inspected.count()
    assert result.total.findings == inspected.filter(inspection__finding=True).count()
    assert result.total.selected == pytest.approx(result.total.hits / 2)
    workload = result.workload
    assert workload.get_column("hit").sum() == result.total.hits
    offices = set(chinese.values_list("office__code", flat=True))
    assert set(workload.get_column("office").to_list()) == offices
    assert result.total.overlap == 0  # no active profiles yet


def test_overlap_counts_the_hits_an_active_profile_already_makes(period, users):
    active_profile(users["analyst"], users["supervisor"], "China", criteria=CHINA, channel="red")
    start, end = period
    result = backtest_profiles(draft(f'{CHINA} and hs_code startswith "8"'), start, end)
    assert result.total.hits > 0
    assert result.total.overlap == result.total.hits
    assert result.total.overlap_share == 1.0


def test_a_criterion_reading_context_gets_point_in_time_features(period):
    start, end = period
    result = backtest_profiles(draft("valuation_z < -1.5"), start, end)
    assert 0 < result.total.hits < result.declarations


def test_a_bad_proposal_is_refused_in_words(period):
    start, end = period
    with pytest.raises(BacktestError, match="did you mean"):
        backtest_profiles(draft('origin_contry == "CN"'), start, end)
    with pytest.raises(BacktestError, match="period is empty"):
        backtest_profiles(draft(CHINA), end, start)


def test_the_command_prints_the_figures(period):
    out = StringIO()
    call_command("backtest", criteria=CHINA, stdout=out)
    text = out.getvalue()
    assert "declarations; hit" in text
    assert "finding rate" in text
    assert "office" in text
    with pytest.raises(CommandError, match="did you mean"):
        call_command("backtest", criteria='origin_contry == "CN"', stdout=StringIO())


def _policy_file(tmp_path, data, name="policy.json"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_policy_with_higher_rates_selects_more_and_one_without_fewer(period, tmp_path):
    start, end = period
    wider = backtest_proposed_policy(
        proposed_policy(
            _policy_file(tmp_path, {"rates": {"*": {"red": 0.2, "yellow": 0.1, "blue": 0.1}}})
        ),
        start,
        end,
    )
    assert wider.declarations == _in_period(start, end).count()
    assert wider.proposed.selected > wider.current.selected
    assert sum(wider.proposed.channels.values()) == wider.declarations
    assert wider.changed > 0
    stopped = _in_period(start, end).filter(inspection__isnull=False)
    assert wider.proposed.inspected <= stopped.count()
    none = backtest_proposed_policy(
        proposed_policy(
            _policy_file(
                tmp_path,
                {
                    "rates": {"*": {"red": 0, "yellow": 0, "blue": 0}},
                    "random_rate": 0,
                    "exploration_rate": 0,
                },
            )
        ),
        start,
        end,
    )
    # Only mandatory profiles and failures could still select: there are none here.
    assert none.proposed.selected == 0
    assert none.current.version == wider.current.version


def test_the_command_compares_a_policy_file_and_refuses_a_bad_one(period, tmp_path):
    out = StringIO()
    path = _policy_file(tmp_path, {"rates": {"*": {"red": 0.1, "yellow": 0.05, "blue": 0}}})
    call_command("backtest", policy=path, start=period[0], json=True, stdout=out)
    text = out.getvalue()
    assert "would change channel" in text
    assert "proposed" in text
    figures = json.loads(text.strip().splitlines()[-1])
    assert figures["proposed"]["selected"] >= figures["current"]["selected"]
    bad = _policy_file(tmp_path, {"rates": {"*": {"red": 0.9, "yellow": 0.9}}}, "bad.json")
    with pytest.raises(CommandError, match="rates must be non-negative"):
        call_command("backtest", policy=bad, start=period[0], stdout=StringIO())
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("backtest", policy=tmp_path / "broken.json", stdout=StringIO())
    with pytest.raises(CommandError, match="no scores to set the proposal's thresholds on"):
        call_command("backtest", policy=path, stdout=StringIO())  # 90 days before: nothing
