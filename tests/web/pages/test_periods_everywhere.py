"""A period on the profile and model pages as on the dashboard: by default ending today,
presets, a plain word when the period holds nothing and a link to where the data is, and a
period that makes no sense refused by name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portcullis.web.scoring.models import ModelVersion
from portcullis.web.usecases import profiles, training
from portcullis.web.usecases.actor import Actor

pytestmark = pytest.mark.django_db


def test_a_profile_reads_its_figures_over_the_period_chosen(site, as_user):
    admin = as_user("admin")
    url = reverse("profile", args=[site.profile])
    default = admin.get(url).content.decode()
    assert "The profile hit no declaration you may see lodged from" in default  # 2021 data
    assert 'href="?until=2021-02-03"' in default  # its latest hit: the site's cars
    assert "Last 90 days" in default
    chosen = profiles.read_profile(
        Actor.system(), site.profile, period=(date(2021, 2, 1), date(2021, 2, 28))
    )
    assert chosen.in_period is not None
    assert chosen.in_period.hits == 2  # W-30 and W-99, each once
    page = admin.get(url, {"from": "2021-02-01", "until": "2021-02-28"}).content.decode()
    assert "Since it started" in page
    assert "In a period" in page
    assert "The profile hit no declaration" not in page


def test_only_the_hits_within_the_readers_offices_count(site):
    from portcullis.web.declarations.reach import Reach
    from portcullis.web.periods import Period
    from portcullis.web.profiles.models import Profile
    from portcullis.web.profiles.period_figures import period_figures

    february = Period(date(2021, 2, 1), date(2021, 2, 28))
    profile = Profile.objects.get(code=site.profile)
    assert period_figures(profile, Reach(), february).hits == 2
    assert period_figures(profile, Reach(offices=frozenset({"30"})), february).hits == 1


def test_a_model_reads_its_performance_over_the_period_chosen(site, as_user):
    version = ModelVersion.objects.get(status="active").version
    url = reverse("model", args=[version])
    admin = as_user("admin")
    default = admin.get(url).content.decode()
    assert "This model decided no declaration you may see in the period" in default
    view = training.read_model(Actor.system(), version, period=(None, None))
    assert view.performance.period is not None
    assert view.performance.period.end == timezone.localdate()
    assert view.performance.period.days == 26 * 7
    latest = view.performance.latest
    assert latest is not None
    assert f'href="?until={latest:%Y-%m-%d}"' in default
    page = admin.get(url, {"until": f"{latest:%Y-%m-%d}"}).content.decode()
    assert "All weeks" in page


def test_a_backwards_or_too_long_period_is_refused_by_name(site, as_user):
    admin = as_user("admin")
    url = reverse("profile", args=[site.profile])
    backwards = admin.get(url, {"from": "2021-03-01", "until": "2021-02-01"}).content.decode()
    assert "must not come before from" in backwards
    today = timezone.localdate()
    too_long = admin.get(
        reverse("model", args=[ModelVersion.objects.get(status="active").version]),
        {"from": f"{today - timedelta(days=800):%Y-%m-%d}", "until": f"{today:%Y-%m-%d}"},
    ).content.decode()
    assert "leaves a period of 801 days" in too_long
