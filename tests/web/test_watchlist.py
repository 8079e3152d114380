"""Watchlist entries: added with a reason, revoked rather than edited, refused when unusable."""

import pytest

from portcullis.engine.watchlist import WatchlistError
from portcullis.web.audit.models import AuditEvent
from portcullis.web.intelligence.services import add_entry, revoke, watchlist_in_force

pytestmark = pytest.mark.django_db


def test_entries_in_force_are_the_ones_not_revoked(users):
    seller = add_entry("seller", "SEL42", "counterfeit handbags", users["analyst"], weight=0.4)
    route = add_entry("route", "cn>30", "transshipment", users["analyst"])
    assert seller.code == f"WL-{seller.pk:06d}"
    assert route.value == "CN>30"
    assert [e.code for e in watchlist_in_force().entries] == [seller.code, route.code]
    revoke(seller, users["supervisor"], "case closed")
    revoke(seller, users["supervisor"])  # twice is once
    assert [e.code for e in watchlist_in_force().entries] == [route.code]
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "watchlist.add",
        "watchlist.add",
        "watchlist.revoke",
    ]


@pytest.mark.parametrize(
    ("kind", "value", "reason", "says"),
    [
        ("vessel", "X", "why", "unknown kind 'vessel'"),
        ("route", "CN-30", "why", "DEPARTURE>OFFICE"),
        ("goods", "87A", "why", "HS code digits"),
        ("seller", "SEL1", "  ", "needs a reason"),
    ],
)
def test_unusable_entries_are_refused(users, kind, value, reason, says):
    with pytest.raises(WatchlistError, match=says):
        add_entry(kind, value, reason, users["analyst"])
    assert not AuditEvent.objects.exists()
