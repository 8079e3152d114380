"""Watchlist entries: added with a reason, revoked rather than edited, refused when unusable."""

import pytest

from portcullis.web.audit.models import AuditEvent
from portcullis.web.errors import Invalid
from portcullis.web.intelligence.watchlist import watchlist_in_force
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.watchlist import EntryInput, add_entry, revoke_entry

pytestmark = pytest.mark.django_db


def test_entries_in_force_are_the_ones_not_revoked(users):
    analyst, supervisor = Actor.person(users["analyst"]), Actor.person(users["supervisor"])
    seller = add_entry(analyst, EntryInput("seller", "SEL42", "counterfeit handbags", 0.4))
    route = add_entry(analyst, EntryInput("route", "cn>30", "transshipment"))
    assert seller.code == f"WL-{seller.pk:06d}"
    assert route.value == "CN>30"
    assert [e.code for e in watchlist_in_force().entries] == [seller.code, route.code]
    revoke_entry(analyst, seller.code, "case closed")
    revoke_entry(analyst, seller.code)  # twice is once
    assert [e.code for e in watchlist_in_force().entries] == [route.code]
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "watchlist.add",
        "watchlist.add",
        "watchlist.revoke",
    ]
    assert supervisor  # supervisors read the watchlist; analysts write it


@pytest.mark.parametrize(
    ("kind", "value", "reason", "says"),
    [
        ("vessel", "X", "why", "kind must be one of"),
        ("route", "CN-30", "why", "DEPARTURE>OFFICE"),
        ("goods", "87A", "why", "HS code digits"),
        ("seller", "SEL1", "  ", "reason is required"),
        ("origin", "XX", "why", "'XX' is not an ISO 3166 country code"),
        ("route", "QQ>30", "why", "'QQ' is not an ISO 3166 country code"),
    ],
)
def test_unusable_entries_are_refused(users, kind, value, reason, says):
    with pytest.raises(Invalid, match=says):
        add_entry(Actor.person(users["analyst"]), EntryInput(kind, value, reason))
    assert not AuditEvent.objects.exists()


def test_an_entry_that_expires_before_it_starts_is_refused(users):
    from datetime import UTC, datetime

    given = EntryInput(
        "origin",
        "CN",
        "why",
        valid_from=datetime(2021, 3, 1, tzinfo=UTC),
        expires_at=datetime(2021, 2, 1, tzinfo=UTC),
    )
    with pytest.raises(Invalid) as refused:
        add_entry(Actor.person(users["analyst"]), given)
    assert refused.value.problems[0].field == "expires_at"


def test_the_engine_s_refusal_names_the_field_and_no_placeholder_code(users):
    with pytest.raises(Invalid) as refused:
        add_entry(Actor.person(users["analyst"]), EntryInput("importer", "IMP1", "why", weight=2))
    assert refused.value.problems[0].field == "weight"
    assert "new-" not in str(refused.value)
    assert str(refused.value) == "weight must be between 0 and 1"
