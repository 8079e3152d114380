"""The editor's backtest: analysts run it, others are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portcullis.web.declarations.models import Declaration
from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = pytest.mark.django_db


def test_an_analyst_backtests_the_criteria_being_written(site, as_user):
    reply = as_user("analyst").post(
        reverse("profile_backtest"),
        {"criteria": 'origin_country == "CN"', "selection_pct": "50", "bt_from": "2020-01-01"},
    )
    assert reply.status_code == 200
    text = reply.content.decode()
    assert "would have hit" in text
    assert "Workload by office" in text


def test_wrong_criteria_or_period_get_a_message(site, as_user):
    client = as_user("analyst")
    bad = client.post(reverse("profile_backtest"), {"criteria": 'origin_contry == "CN"'})
    assert "did you mean" in bad.content.decode()
    backwards = client.post(
        reverse("profile_backtest"),
        {"criteria": 'origin_country == "CN"', "bt_from": "2020-02-01", "bt_to": "2020-01-01"},
    )
    assert "must end after it starts" in backwards.content.decode()


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_other_roles_may_not_backtest(site, as_user, role):
    reply = as_user(role).post(reverse("profile_backtest"), {"criteria": 'office == "30"'})
    assert reply.status_code == 403


def test_without_dates_it_covers_the_90_days_up_to_the_latest_outcome(site, as_user):
    # A declaration lodged now has no outcome: the default period stays where outcomes are.
    lodge(declaration("NOW-1", lodged_at=timezone.now().isoformat()))
    latest = Declaration.objects.filter(inspection__isnull=False).latest("lodged_at")
    end = timezone.localtime(latest.lodged_at).date() + timedelta(days=1)
    reply = as_user("analyst").post(
        reverse("profile_backtest"), {"criteria": 'origin_country == "CN"'}
    )
    text = reply.content.decode()
    assert f"until {end:%Y-%m-%d}" in text
    assert f"From {end - timedelta(days=90):%Y-%m-%d}" in text
    assert "would have hit <strong>0</strong>" not in text
