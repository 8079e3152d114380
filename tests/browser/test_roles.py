"""Signing in as each role in a real browser: what it sees in the navigation, and a page
it may not open."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NAVIGATION = [
    "Dashboard", "Worklist", "Search", "Profiles", "Watchlist", "Models", "Audit trail"
]  # fmt: skip
READERS = {"Dashboard", "Search"}  # every role
SEES = {
    "admin": set(NAVIGATION),
    "analyst": {*READERS, "Profiles", "Watchlist", "Models"},
    "supervisor": {*READERS, "Worklist", "Profiles", "Watchlist", "Models", "Audit trail"},
    "officer": {*READERS, "Worklist"},
    "auditor": {*READERS, "Worklist", "Profiles", "Watchlist", "Models", "Audit trail"},
}
DENIED = {
    "analyst": "/worklist/",
    "officer": "/profiles/",
    "supervisor": "/profiles/new/",
    "auditor": "/profiles/new/",
}


@pytest.mark.parametrize("role", sorted(SEES))
def test_each_role_sees_its_pages_and_is_refused_the_others(site, visit, role):
    visit.sign_in(role)
    navigation = visit.page.get_by_role("navigation", name="Main")
    for entry in NAVIGATION:
        link = navigation.get_by_role("link", name=entry, exact=True)
        assert link.count() == (1 if entry in SEES[role] else 0), f"{role}: {entry}"
    if role in DENIED:
        response = visit.go(DENIED[role])
        assert response.status == 403
        assert visit.page.get_by_role("heading", name="You may not open this page").is_visible()
        visit.errors.clear()  # the browser logs the 403 response itself as an error
    visit.go("/dashboard/")
    visit.screenshot(f"dashboard-{role}")
