"""Query counts per page: bounded, and the same with more rows (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = pytest.mark.django_db

# Each page's ceiling, signed in as the administrator (the session, the user and their
# permissions are about 4 of them).
CEILINGS = {
    "dashboard": 12,
    "worklist": 10,
    "declaration": 16,  # with the checks to make and the header's code labels
    "profiles": 8,
    "profile": 9,
    "watchlist": 8,
    "trader": 12,
    "models": 8,
    "audit": 9,
}


def _urls(site) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "dashboard": reverse("dashboard"),
        "worklist": reverse("worklist"),
        "declaration": reverse("declaration", args=[site.mine]),
        "profiles": reverse("profiles"),
        "profile": reverse("profile", args=[site.profile]),
        "watchlist": reverse("watchlist"),
        "trader": reverse("trader", args=["importer", "IMP0001"]),
        "models": reverse("models"),
        "audit": reverse("audit"),
    }


def _counts(client, site) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    for name, url in _urls(site).items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def test_pages_stay_within_their_query_budget_as_rows_grow(site, as_user):
    client = as_user("admin")
    client.get(reverse("dashboard"))  # the first request warms per-process caches
    before = _counts(client, site)
    for page, count in before.items():
        assert count <= CEILINGS[page], f"{page}: {count} queries"
    lodge(*(declaration(f"MORE-{n}", office="30") for n in range(25)))
    after = _counts(client, site)
    assert after == before
