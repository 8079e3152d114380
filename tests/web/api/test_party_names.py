"""Parties' names as declared: stored with the declaration, part of what its hash covers (but
not of the hash of one without names), targeted as text, and shown as text on its page."""

from __future__ import annotations

import pytest
from django.test import Client

from portcullis.web.accounts.scopes import Scope
from portcullis.web.declarations.models import Declaration
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.replaying import replay
from tests.builders import declaration
from tests.web.acting import active_profile, lodge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_engine")]

NAMED = {"importer_name": "Hanbit  Lighting Co., Ltd.", "seller_name": "Brightway Trading Co"}


def test_names_are_stored_once_as_declared_and_a_changed_name_is_a_conflict(api_as):
    api = api_as("unipass", Scope.SUBMIT, Scope.READ)
    first = api.post("/declarations", declaration("N-1", **NAMED))
    assert first.status_code == 201, first.content
    stored = Declaration.objects.get(declaration_id="N-1")
    assert (stored.importer_name, stored.seller_name) == (
        "Hanbit Lighting Co., Ltd.", "Brightway Trading Co"
    )  # fmt: skip
    assert stored.declarant_name == ""
    content = api.get("/declarations/N-1").json()["content"]
    assert content["importer_name"] == "Hanbit Lighting Co., Ltd."
    # The same names with other spacing are the same declaration.
    again = api.post(
        "/declarations", declaration("N-1", **{**NAMED, "seller_name": " Brightway Trading  Co "})
    )
    assert again.json()["status"] == "unchanged"
    renamed = api.post("/declarations", declaration("N-1", **{**NAMED, "seller_name": "Other Co"}))
    assert renamed.status_code == 409
    assert renamed.json()["differing_fields"] == ["seller_name"]
    # Naming the parties of a declaration stored without names is a change too.
    api.post("/declarations", declaration("N-2"))
    named_later = api.post("/declarations", declaration("N-2", seller_name="Brightway Trading Co"))
    assert named_later.json()["differing_fields"] == ["seller_name"]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("x" * 201, "is too long (201 characters, at most 200)"),
        ("Bright\x07way", "contains control characters"),
        (["a list"], "must be text"),
    ],
)
def test_a_bad_name_is_refused_naming_the_field(api_as, name, says):
    api = api_as("unipass", Scope.SUBMIT)
    reply = api.post("/declarations", declaration("N-3", seller_name=name))
    assert reply.status_code == 422
    (error,) = reply.json()["errors"]
    assert (error["field"], error["message"]) == ("seller_name", says)
    assert not Declaration.objects.filter(declaration_id="N-3").exists()


def test_a_profile_on_a_name_hits_stores_what_it_read_and_replays(users, trained):
    profile = active_profile(
        users["analyst"],
        users["supervisor"],
        "Trading intermediaries",
        criteria='seller_name contains word "trading" and importer_name starts with any case "hanbit"',
        mandatory=True,
    )
    hit, miss = lodge(declaration("N-4", **NAMED), declaration("N-5", seller_name="Tradingpost"))
    assert [h.profile_version_id for h in hit.decision.profile_hits.all()] == [profile.pk]
    assert not miss.decision.profile_hits.exists()
    assert replay(Decision.objects.get(pk=hit.decision.pk)).same


def test_the_page_shows_the_names_as_text_and_a_seller_named_without_an_id(users):
    lodge(
        declaration(
            "N-6",
            seller=None,
            seller_name="<script>alert(1)</script> Trading",
            importer_name="Hanbit & Sons",
        )
    )
    client = Client()
    client.force_login(users["supervisor"])
    page = client.get("/declarations/N-6/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Trading" in page
    assert "<script>alert(1)" not in page
    assert "Hanbit &amp; Sons" in page
    assert "named, without an id" in page
