"""The pages work from the keyboard alone: a skip link first, labelled fields, Enter submits."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_signing_in_and_recording_a_result_without_a_mouse(site, visit):
    page = visit.page
    visit.go("/login/")
    page.keyboard.type("officer")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/")

    visit.go(f"/declarations/{site.mine}/inspection/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Compliant: nothing found").focus()
    page.keyboard.press("Space")
    page.get_by_label("Notes").focus()
    page.keyboard.type("Checked against the invoice.")
    page.keyboard.press("Tab")  # to the save button
    page.keyboard.press("Enter")
    page.wait_for_url("**/worklist/")
