"""The analyst's work: a profile written with a typo, checked, previewed, fixed, submitted,
approved by a supervisor (never its author), then hitting declarations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portcullis.web.declarations.models import Declaration
from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.scoring.models import ProfileHit
from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = pytest.mark.django_db

TYPO = 'hs_cod == "870323"'
FIXED = 'hs_code == "870323"'
SETTINGS = {
    "risk_category": "valuation",
    "channel": "yellow",
    "weight": "0.5",
    "selection_pct": "100",
}


def test_the_check_names_the_mistake_as_you_type(site, as_user):
    client = as_user("analyst")
    wrong = client.post(reverse("profile_check"), {"criteria": TYPO}).content.decode()
    assert "hs_cod" in wrong
    assert "hs_code" in wrong
    right = client.post(reverse("profile_check"), {"criteria": FIXED}).content.decode()
    assert "The criteria compile." in right
    # An empty editor (as the page loads) is not told off in red.
    blank = client.post(reverse("profile_check"), {"criteria": "  "}).content.decode()
    assert "errorlist" not in blank
    assert "checked as you type" in blank


def test_the_preview_counts_the_30_days_up_to_the_latest_outcome(site, as_user):
    # The site's later declarations (and its two cars) wait for their outcome: the preview
    # reads the 30 days up to the latest declaration whose outcome is known, and says so.
    latest = Declaration.objects.filter(inspection__isnull=False).latest("lodged_at")
    start = latest.lodged_at - timedelta(days=30)
    in_period = Declaration.objects.filter(lodged_at__gt=start, lodged_at__lte=latest.lodged_at)
    cars = in_period.filter(items__hs_code="870323").distinct().count()
    response = as_user("analyst").post(reverse("profile_preview"), {"criteria": FIXED})
    text = response.content.decode()
    assert (
        f"Would have hit <strong>{cars}</strong> of the {in_period.count():,} declarations" in text
    )
    assert f"to {timezone.localtime(latest.lodged_at):%Y-%m-%d}" in text
    # A declaration lodged now, with no outcome yet, does not move the period.
    lodge(declaration("NOW-1", lodged_at=timezone.now().isoformat()))
    again = as_user("analyst").post(reverse("profile_preview"), {"criteria": FIXED})
    assert f"of the {in_period.count():,} declarations" in again.content.decode()


def test_a_profile_from_typo_to_hits(site, as_user, people):
    analyst = as_user("analyst")
    form = {"name": "Cars, any origin", "criteria": TYPO, "rationale": "Test.", **SETTINGS}
    refused = analyst.post(reverse("profile_create"), form)
    assert refused.status_code == 200
    assert "hs_code" in refused.content.decode()
    assert not Profile.objects.filter(name="Cars, any origin").exists()

    created = analyst.post(reverse("profile_create"), {**form, "criteria": FIXED})
    assert created.status_code == 302
    profile = Profile.objects.get(name="Cars, any origin")
    analyst.post(reverse("profile_step", args=[profile.code, 1, "submit"]))
    assert ProfileVersion.objects.get(profile=profile).status == "pending_approval"

    # The analyst may not approve; the supervisor may, unless they wrote it.
    assert (
        analyst.post(reverse("profile_step", args=[profile.code, 1, "approve"])).status_code == 403
    )
    as_user("supervisor").post(reverse("profile_step", args=[profile.code, 1, "approve"]))
    version = ProfileVersion.objects.get(profile=profile)
    assert (version.status, version.approver) == ("active", people["supervisor"])

    lodge(declaration("H-1", office="30"))
    assert ProfileHit.objects.filter(profile_version=version).count() == 1
    listing = analyst.get(reverse("profiles")).content.decode()
    assert profile.code in listing


def test_an_author_cannot_approve_their_own_version(site, as_user, people):
    admin = as_user("admin")  # holds every permission, approving included
    admin.post(reverse("profile_create"), {"name": "Own", "criteria": FIXED, **SETTINGS})
    profile = Profile.objects.get(name="Own")
    admin.post(reverse("profile_step", args=[profile.code, 1, "submit"]))
    response = admin.post(reverse("profile_step", args=[profile.code, 1, "approve"]), follow=True)
    assert "someone else must approve it (four eyes)" in response.content.decode()
    assert ProfileVersion.objects.get(profile=profile).status == "pending_approval"


def test_versions_show_their_differences_and_can_be_suspended(site, as_user):
    analyst = as_user("analyst")
    analyst.post(reverse("profile_step", args=[site.profile, 1, "new"]))
    edit = reverse("profile_edit", args=[site.profile])
    assert analyst.get(edit).status_code == 200
    changed = {
        "criteria": 'hs_code == "870324" and origin_country == "CN"',
        "rationale": "Wider.",
        **SETTINGS,
    }
    assert analyst.post(edit, changed).status_code == 302
    page = analyst.get(reverse("profile", args=[site.profile])).content.decode()
    assert (
        "<del>hs_code == &quot;870323&quot;</del>" in page
        or '<del>"870323"</del>' in page.replace("&quot;", '"')
    )
    assert "<ins>" in page
    analyst.post(reverse("profile_step", args=[site.profile, 1, "suspend"]))
    assert ProfileVersion.objects.get(profile__code=site.profile, number=1).status == "suspended"
