"""The officer flow in a browser: worklist → declaration → record the result → worklist."""

from __future__ import annotations

import pytest

from portcullis.web.inspections.models import Inspection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_officer_records_a_result_from_the_worklist(site, visit):
    page = visit.page
    visit.sign_in("officer")
    visit.screenshot("dashboard")
    page.get_by_role("link", name="Worklist").click()
    assert page.get_by_role("link", name=site.mine).is_visible()
    assert page.get_by_role("link", name=site.theirs).count() == 0
    page.get_by_role("button", name="Assign to me").first.click()
    page.get_by_role("cell", name="officer", exact=True).wait_for()
    visit.screenshot("worklist")

    page.get_by_role("link", name=site.mine).click()
    page.get_by_role("heading", name=f"Declaration {site.mine}").wait_for()
    assert page.get_by_text("Cars from China were undervalued last year.").is_visible()
    page.get_by_role("button", name="Replay the decision").click()
    page.get_by_text("Replay matches").wait_for()
    visit.screenshot("declaration")

    page.get_by_role("link", name="Record inspection result").click()
    page.get_by_label("Non-compliance found").check()
    page.get_by_label("Additional duties assessed").fill("1250.50")
    page.get_by_role("button", name="Save the result").click()
    page.get_by_text("Choose the type of what was found.").wait_for()  # the type was missing
    visit.screenshot("inspection-form")
    page.get_by_label("Finding type").select_option("undervaluation")
    page.get_by_role("button", name="Save the result").click()

    page.wait_for_url("**/worklist/")
    page.get_by_text(f"The result for {site.mine} is recorded.").wait_for()
    assert page.get_by_role("link", name=site.mine).count() == 0
    inspection = Inspection.objects.get(declaration__declaration_id=site.mine)
    assert inspection.finding
    assert inspection.finding_type == "undervaluation"


def test_the_pages_fit_a_phone(site, visit):
    visit.page.set_viewport_size({"width": 390, "height": 844})
    visit.sign_in("officer")
    visit.go(f"/declarations/{site.mine}/")
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    widest = visit.page.evaluate(
        """[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 392)
        .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"""
    )
    visit.screenshot("declaration-phone")
    assert width <= 390 + 1, f"the page scrolls sideways: {width}px, {widest}"


def test_an_officer_at_the_quay_works_the_worklist_on_a_phone(site, visit):
    """At 390 px the worklist is a column of cards: nothing scrolls sideways, and taking a
    declaration and recording its result are within reach."""
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    visit.sign_in("officer")
    visit.go("/worklist/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.get_by_role("button", name="Assign to me").first.click()
    page.get_by_text("officer", exact=True).first.wait_for()
    visit.screenshot("worklist-phone")
    record = page.get_by_role("link", name="Record result").first
    box = record.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390  # on screen, not off to the right
    record.click()
    page.get_by_label("Non-compliance found").wait_for()  # the form has loaded
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.get_by_label("Non-compliance found").check()
    page.get_by_label("Finding type").select_option("undervaluation")
    page.get_by_label("Additional duties assessed").fill("300")
    visit.screenshot("inspection-form-phone")
    page.get_by_role("button", name="Save the result").click()
    page.wait_for_url("**/worklist/")
    page.get_by_text(f"The result for {site.mine} is recorded.").wait_for()
    assert Inspection.objects.get(declaration__declaration_id=site.mine).finding
