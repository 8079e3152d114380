"""The editor's backtest: analysts run it, others are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

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
