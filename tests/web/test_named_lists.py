"""Named lists: versions that never change, read by profiles and the watchlist, named by the
decisions that read them, and refused when wrong or stale."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from portcullis.web.audit.models import AuditEvent
from portcullis.web.errors import Conflict, Invalid
from portcullis.web.profiles.compiled import check_criteria
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.replaying import replay
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.lists import ListInput, save_list
from portcullis.web.usecases.watchlist import EntryInput, add_entry
from tests.builders import declaration
from tests.web.acting import active_profile, lodge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_engine")]


def _china(declaration_id: str) -> dict:
    return declaration(declaration_id)  # its one item is of Chinese origin


def _hit_codes(decision: Decision) -> set[str]:
    return {hit.profile_version.profile.code for hit in decision.profile_hits.all()}


def test_a_profile_reads_the_list_version_in_force_and_its_decisions_replay_with_it(users, trained):
    analyst = Actor.person(users["analyst"])
    save_list(analyst, "HIGH_RISK_ORIGINS", ListInput(["cn", "VN"], "intel", kind="country"))
    profile = active_profile(
        users["analyst"],
        users["supervisor"],
        "Risky origins",
        criteria="origin_country in list HIGH_RISK_ORIGINS",
        mandatory=True,
    )
    (first,) = lodge(_china("D-1"))
    assert first.decision.reason == "mandatory_profile", first.decision.failure
    assert _hit_codes(first.decision) == {profile.profile.code}
    assert [str(v) for v in first.decision.profile_set.lists.all()] == ["HIGH_RISK_ORIGINS v1"]

    save_list(analyst, "HIGH_RISK_ORIGINS", ListInput(["VN"], "CN cleared", base_version=1))
    (second,) = lodge(_china("D-2"))
    assert _hit_codes(second.decision) == set()  # the new version no longer holds CN
    assert second.decision.profile_set_id != first.decision.profile_set_id
    assert replay(Decision.objects.get(pk=first.decision.pk)).same  # v1, as it was then
    summaries = AuditEvent.objects.filter(action="lists.save").values_list("summary", flat=True)
    assert list(summaries.order_by("id")) == [
        "HIGH_RISK_ORIGINS v1: 2 added, 0 removed, 2 in all",
        "HIGH_RISK_ORIGINS v2: 0 added, 1 removed, 1 in all",
    ]


def test_an_expired_list_holds_nothing_for_later_declarations(users, trained):
    analyst = Actor.person(users["analyst"])
    expired = datetime(2021, 1, 1, tzinfo=UTC)  # the builders' declaration is of 2021-02-03
    save_list(analyst, "OLD", ListInput(["CN"], "intel", kind="country", expires_at=expired))
    active_profile(
        users["analyst"], users["supervisor"], "Old", criteria="origin_country in list OLD"
    )
    (lodged,) = lodge(_china("D-1"))
    assert _hit_codes(lodged.decision) == set()


def test_a_watchlist_entry_watches_every_value_of_a_list(users, trained):
    analyst = Actor.person(users["analyst"])
    save_list(analyst, "SUSPECT_SELLERS", ListInput(["SELL001", "S2"], "intel", kind="trader"))
    entry = add_entry(
        analyst, EntryInput("seller", "", "counterfeits", named_list="SUSPECT_SELLERS")
    )
    (lodged,) = lodge(_china("D-1"))
    assert [hit["entry"] for hit in lodged.decision.watchlist_hits] == [entry.code]
    with pytest.raises(
        Invalid, match="holds trader codes; an entry of kind origin needs a country list"
    ):
        add_entry(analyst, EntryInput("origin", "", "why", named_list="SUSPECT_SELLERS"))
    with pytest.raises(Invalid, match="must be empty when the entry watches a named list"):
        add_entry(analyst, EntryInput("seller", "S9", "why", named_list="SUSPECT_SELLERS"))
    with pytest.raises(Invalid, match="'NOPE' is not a named list"):
        add_entry(analyst, EntryInput("seller", "", "why", named_list="NOPE"))


@pytest.mark.parametrize(
    ("code", "given", "says"),
    [
        ("RISKY", ListInput(["CN", "XX"], "why", kind="country"), "values[1] 'XX' is not an ISO"),
        ("RISKY", ListInput(["87A"], "why", kind="goods"), "'87A' is not an HS code prefix"),
        ("RISKY", ListInput(["A<script>"], "why", kind="trader"), "letters, digits, spaces"),
        ("RISKY", ListInput(["CN"], "  ", kind="country"), "reason is required"),
        ("RISKY", ListInput(["CN"], "why", kind="vessel"), "kind must be one of"),
        ("risky", ListInput(["CN"], "why", kind="country"), "code capital letters"),
        (
            "RISKY",
            ListInput(
                ["CN"],
                "why",
                kind="country",
                valid_from=datetime(2021, 3, 1, tzinfo=UTC),
                expires_at=datetime(2021, 2, 1, tzinfo=UTC),
            ),
            "expires_at must come after valid_from",
        ),
    ],
)
def test_an_unusable_list_is_refused_naming_the_field(users, code, given, says):
    with pytest.raises(Invalid, match=says.replace("[", r"\[").replace("]", r"\]")):
        save_list(Actor.person(users["analyst"]), code, given)
    assert not AuditEvent.objects.exists()


def test_a_stale_save_is_refused_and_a_list_keeps_its_kind(users):
    analyst = Actor.person(users["analyst"])
    save_list(analyst, "RISKY", ListInput(["CN"], "intel", kind="country"))
    save_list(analyst, "RISKY", ListInput(["CN", "VN"], "more", base_version=1))
    with pytest.raises(Conflict, match="RISKY is at version 2, not 1"):
        save_list(analyst, "RISKY", ListInput(["KP"], "mine", base_version=1))
    with pytest.raises(Conflict, match="RISKY is at version 2, not 0"):
        save_list(analyst, "RISKY", ListInput(["KP"], "again", kind="country"))
    with pytest.raises(Invalid, match="stays country"):
        save_list(analyst, "RISKY", ListInput(["S1"], "x", kind="trader", base_version=2))


def test_criteria_naming_an_unknown_list_say_which_one_was_meant(users):
    save_list(Actor.person(users["analyst"]), "RISKY", ListInput(["CN"], "x", kind="country"))
    (problem,) = check_criteria("origin_country in list RISKI")
    assert str(problem) == "line 1, column 19: unknown list 'RISKI' (did you mean 'RISKY'?)"
    assert check_criteria("origin_country not in list RISKY") == []


def test_the_api_saves_versions_and_refuses_stale_malformed_and_huge_bodies(users, settings):
    client = Client()
    client.force_login(users["analyst"])

    def put(code: str, body: object):
        return client.put(
            f"/api/v1/lists/{code}", data=json.dumps(body), content_type="application/json"
        )

    created = put("RISKY", {"values": ["CN"], "reason": "r", "kind": "country", "base_version": 0})
    assert created.status_code == 201, created.content
    assert created.json()["version"] == 1
    assert created.json()["values"] == ["CN"]
    stale = put("RISKY", {"values": ["VN"], "reason": "r", "base_version": 0})
    assert stale.status_code == 409
    assert "RISKY is at version 1, not 0" in stale.json()["detail"]
    assert put("RISKY", {"values": "CN", "reason": "r", "base_version": 1}).status_code == 422
    assert put("RISKY", ["CN"]).status_code == 422
    bad = put("RISKY", {"values": ["CN", "XX"], "reason": "r", "base_version": 1})
    assert bad.status_code == 422
    assert "values[1]" in bad.content.decode()
    huge = put("RISKY", {"values": ["A"] * 100_001, "reason": "r", "base_version": 1})
    assert huge.status_code in (413, 422)
    assert client.get("/api/v1/lists/NOPE").status_code == 404
    read = client.get("/api/v1/lists/RISKY").json()
    assert read["version"] == 1
    assert [v["number"] for v in read["history"]] == [1]
    officer = Client()
    officer.force_login(users["officer"])
    assert officer.get("/api/v1/lists/RISKY").status_code == 403


def test_the_pages_show_a_list_and_save_its_next_version(users):
    client = Client()
    client.force_login(users["analyst"])
    body = {"code": "RISKY", "kind": "country", "values": "CN, VN", "reason": "intel"}
    created = client.post("/lists/", {**body, "base_version": "0"})
    assert created.status_code == 302
    page = client.get("/lists/RISKY/").content.decode()
    assert "Version 1: 2 values" in page
    assert "<code>VN</code>" in page
    changed = client.post("/lists/RISKY/", {**body, "values": "KP", "base_version": "1"})
    assert changed.status_code == 302
    stale = client.post("/lists/RISKY/", {**body, "values": "<b>x</b>", "base_version": "1"})
    assert "RISKY is at version 2, not 1" in stale.content.decode()
    assert "<b>x</b>" not in stale.content.decode()  # shown as text, never as markup
