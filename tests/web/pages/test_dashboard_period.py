"""The dashboard over a period the user chooses: by default the 30 days ending today, with
presets, a clear word when the period is empty and a link to where the data is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portcullis.web.declarations.models import Declaration
from portcullis.web.errors import Invalid
from portcullis.web.usecases import reports
from portcullis.web.usecases.actor import Actor
from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = pytest.mark.django_db


def _latest_day():  # type: ignore[no-untyped-def]
    return timezone.localtime(Declaration.objects.latest("lodged_at").lodged_at).date()


def test_by_default_the_30_days_ending_today_and_a_pointer_to_the_data(site, as_user):
    page = as_user("admin").get(reverse("dashboard")).content.decode()
    today = timezone.localdate()
    view = reports.read_dashboard(Actor.system())
    assert (view.figures.period.start, view.figures.period.end) == (
        today - timedelta(days=29),
        today,
    )
    assert view.figures.empty  # the site's declarations were lodged in 2021
    assert "No declaration you may see was lodged from" in page
    assert f'href="?until={_latest_day():%Y-%m-%d}"' in page
    assert "Last 90 days" in page
    assert "This quarter" in page


def test_a_declaration_lodged_now_shows_in_the_default_period(site, as_user):
    (submitted,) = lodge(declaration("NOW-1", lodged_at=timezone.now().isoformat()))
    assert submitted.decision is not None
    view = reports.read_dashboard(Actor.system())
    assert view.figures.declared == 1
    assert view.figures.today == 1
    page = as_user("admin").get(reverse("dashboard")).content.decode()
    assert "No declaration you may see was lodged" not in page
    assert "Channel mix" in page


def test_a_chosen_period_counts_its_declarations_only(site, as_user):
    latest = _latest_day()
    whole = reports.read_dashboard(Actor.system(), end=latest).figures
    assert whole.declared > 0
    assert (whole.period.start, whole.period.end) == (latest - timedelta(days=29), latest)
    one_day = reports.read_dashboard(Actor.system(), latest, latest).figures
    assert one_day.declared == one_day.today <= whole.declared
    page = as_user("admin").get(f"{reverse('dashboard')}?from={latest}&until={latest}")
    assert "Channel mix" in page.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("?from=2021-03-10&until=2021-03-01", "until", "must not come before from"),
        ("?from=2019-01-01&until=2021-03-01", "from", "at most 366"),
        ("?from=yesterday", "from", "Enter a valid date"),
    ],
)
def test_a_period_that_makes_no_sense_is_refused_by_its_field(site, as_user, query, field, says):
    page = as_user("admin").get(f"{reverse('dashboard')}{query}")
    assert page.status_code == 200  # the default period beside the message
    text = page.content.decode()
    assert says in text
    assert f'id="id_{field}_error"' in text


def test_the_use_case_refuses_a_period_backwards_or_over_a_year():
    today = timezone.localdate()
    with pytest.raises(Invalid, match="before it starts"):
        reports.read_dashboard(Actor.system(), today, today - timedelta(days=1))
    with pytest.raises(Invalid, match="366"):
        reports.read_dashboard(Actor.system(), today - timedelta(days=400), today)


def test_the_compliance_file_of_a_period_that_makes_no_sense_is_refused(site, as_user):
    auditor = as_user("auditor")
    malformed = auditor.get(f"{reverse('dashboard_compliance')}?from=yesterday")
    assert malformed.status_code == 400
    assert "from" in malformed.content.decode()
    backwards = auditor.get(f"{reverse('dashboard_compliance')}?from=2021-03-10&until=2021-03-01")
    assert backwards.status_code == 400
    assert "before it starts" in backwards.content.decode()
