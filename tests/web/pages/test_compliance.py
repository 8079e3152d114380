"""The dashboard's compliance figures come from the random sample, and export as CSV."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from portcullis.engine.schema import FindingType
from portcullis.web.declarations.models import Declaration
from portcullis.web.scoring.models import CurrentDecision, Decision
from portcullis.web.scoring.policies import active_policy
from portcullis.web.usecases.actor import Actor
from tests.web.acting import record
from tests.web.pages.downloads import csv_rows

pytestmark = pytest.mark.django_db


def _dashboard(name: str = "dashboard") -> str:
    """The page over the 30 days up to the site's latest declaration (lodged in 2021)."""
    latest = timezone.localtime(Declaration.objects.latest("lodged_at").lodged_at).date()
    return f"{reverse(name)}?until={latest:%Y-%m-%d}"


def test_a_declaration_is_in_the_sample_when_its_draw_fell_below_the_random_rate(site):
    rate = float(active_policy().data["random_rate"])
    for current in CurrentDecision.objects.select_related("decision"):
        assert current.sampled == (current.decision.draws["random"] < rate)


def _sample_everything_and_find_one(site, people) -> None:  # type: ignore[no-untyped-def]
    """Every decided declaration in the sample; one of the period's two found non-compliant,
    the other still waiting for its outcome."""
    CurrentDecision.objects.update(sampled=True)
    mine = Declaration.objects.get(declaration_id=site.mine)
    outcome = {"finding": True, "finding_type": FindingType("undervaluation")}
    record(mine, outcome, Actor.person(people["officer"]))


def test_the_dashboard_estimates_from_the_sample_alone(site, as_user, people):
    _sample_everything_and_find_one(site, people)
    page = as_user("admin").get(_dashboard()).content.decode()
    assert "Compliance of the whole flow, from the random sample" in page
    assert "estimated non-compliance (95 % interval" in page
    assert "1 sampled declaration still waits for its outcome" in page
    # Groups of one or two sampled declarations: their intervals say nothing to act on.
    assert "too few sampled" in page
    assert "fewer than 10 sampled declarations is greyed" in page


def test_the_estimates_export_as_csv(site, as_user, people):
    _sample_everything_and_find_one(site, people)
    rows = csv_rows(as_user("auditor").get(_dashboard("dashboard_compliance")))
    whole = rows[0]
    assert whole["dimension"] == "all"
    assert (whole["declarations"], whole["sampled"], whole["findings"]) == ("2", "1", "1")
    assert 0 <= float(whole["rate_low"]) <= float(whole["rate"]) <= float(whole["rate_high"]) <= 1
    assert {row["dimension"] for row in rows} == {"all", "section", "origin", "office"}


def test_no_sample_no_estimate(site, as_user):
    CurrentDecision.objects.update(sampled=False)
    page = as_user("admin").get(_dashboard()).content.decode()
    assert "No outcome from the random sample in the period yet." in page
    assert Decision.objects.exists()
