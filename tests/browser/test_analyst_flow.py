"""The analyst flow in a browser: a profile with a typo → the error → fixed → submitted →
approved by the supervisor → its hits appear."""

from __future__ import annotations

import pytest

from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_profile_from_typo_to_hits(site, visit):
    page = visit.page
    visit.sign_in("analyst")
    page.get_by_role("link", name="Profiles").click()
    visit.screenshot("profiles")
    page.get_by_role("link", name="Write a new profile").click()
    page.get_by_label("Name").fill("Cars of any origin")
    criteria = page.get_by_label("Criteria")
    criteria.fill('hs_cod == "870323"')
    page.get_by_text("did you mean 'hs_code'").wait_for()  # the check, as you type
    visit.screenshot("profile-editor-error")
    criteria.fill('hs_code == "870323"')
    page.get_by_text("The criteria compile.").wait_for()
    page.get_by_role("button", name="Preview on the latest 30 days with outcomes").click()
    page.get_by_text("Would have hit").wait_for()
    page.get_by_label("Channel when selected").select_option("yellow")
    visit.screenshot("profile-editor")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_text("saved").first.wait_for()
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text("Submitted for approval.").wait_for()
    code = page.get_by_role("heading", level=1).inner_text().split()[0]
    visit.sign_out()

    visit.sign_in("supervisor")
    visit.go(f"/profiles/{code}/")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: the version is now active.").wait_for()
    visit.screenshot("profile")
    visit.sign_out()

    lodge(declaration("HIT-1", office="30"))
    visit.sign_in("analyst")
    visit.go("/profiles/")
    row = page.get_by_role("row").filter(has_text=code)
    assert row.get_by_role("cell").nth(4).inner_text() == "1"  # hits
