"""A declaration under customs control is never released by an amendment, a released one
that an amendment would have stopped is checked after release, and a recorded result can be
corrected, its original kept (the reproductions of issue 14, as tests)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portcullis.web.accounts.scopes import CLEARANCE_SYSTEM
from portcullis.web.audit.models import AuditEvent
from portcullis.web.inspections.models import Inspection
from portcullis.web.profiles.models import Profile
from portcullis.web.scoring.models import CurrentDecision, EngineState
from portcullis.web.traders.models import Trader
from portcullis.web.usecases import profiles
from portcullis.web.usecases.actor import Actor
from tests.builders import declaration
from tests.web.acting import active_profile, lodge

pytestmark = pytest.mark.django_db


def _current(declaration_id: str) -> str:
    return CurrentDecision.objects.get(declaration__declaration_id=declaration_id).channel


def test_an_amendment_cannot_release_a_declaration_selected_for_control(cars, clearance):
    first = clearance.post("/declarations", declaration("C-1")).json()
    assert (first["decision"]["channel"], first["decision"]["reason"]) == (
        "red",
        "mandatory_profile",
    )
    amended = declaration("C-1", importer="IMP-OTHER")
    amended["items"][0]["hs_code"] = "8703.24"  # no longer a car the profile selects
    reply = clearance.put("/declarations/C-1", amended)
    assert reply.status_code == 409
    body = reply.json()
    assert body["type"].endswith("/under-control")
    assert "authorise an amendment" in body["detail"]
    assert _current("C-1") == "red"  # still waiting in the worklist


def test_an_amendment_cannot_follow_a_recorded_finding(cars, clearance):
    clearance.post("/declarations", declaration("C-2"))
    found = {"finding": True, "finding_type": "undervaluation", "additional_duties": "100"}
    assert clearance.post("/declarations/C-2/inspection", found).status_code == 201
    reply = clearance.put("/declarations/C-2", declaration("C-2", importer="IMP-OTHER"))
    assert reply.status_code == 409
    assert "an inspection result is recorded" in reply.json()["detail"]


def test_an_officer_s_authorisation_lets_one_amendment_through_keeping_the_stricter_channel(
    cars, clearance, api_as, users
):
    clearance.post("/declarations", declaration("C-3"))
    supervisor = api_as("supervisor-session")  # a token of any scope is no officer: refused
    assert (
        supervisor.post(
            "/declarations/C-3/amendment-authorisation", {"reason": "invoice corrected by seller"}
        ).status_code
        == 403
    )
    from portcullis.web.usecases.declarations import authorise_amendment

    authorise_amendment(Actor.person(users["supervisor"]), "C-3", "invoice corrected by seller")
    amended = declaration("C-3")
    amended["items"][0]["hs_code"] = "8703.24"  # green on its own
    reply = clearance.put("/declarations/C-3", amended)
    assert reply.status_code == 201, reply.content
    assert reply.json()["decision"]["declaration_version"] == 2
    assert _current("C-3") == "red"  # the stricter channel is kept
    again = declaration("C-3", importer="IMP-OTHER")
    assert clearance.put("/declarations/C-3", again).status_code == 409  # used once
    assert AuditEvent.objects.filter(action="declaration.authorise_amendment").count() == 1


def test_an_amendment_after_release_that_would_have_been_stopped_is_checked_after_release(
    trained, clearance, users
):
    released = declaration("R-1")
    released["items"][0]["hs_code"] = "8703.24"
    first = clearance.post("/declarations", released).json()["decision"]
    if first["channel"] != "green":
        pytest.skip(f"the model did not release this declaration ({first['channel']})")
    active_profile(
        users["analyst"], users["supervisor"], "Cars", criteria='hs_code == "870323"',
        mandatory=True, channel="red",
    )  # fmt: skip
    reply = clearance.put("/declarations/R-1", declaration("R-1"))  # now a car: stopped
    assert reply.status_code == 201, reply.content
    assert reply.json()["decision"]["channel"] == "red"  # what the engine decided, kept
    assert _current("R-1") == "blue"  # the goods are out: a post-release check, never silent


def test_a_supervisor_corrects_a_result_keeping_the_original(cars, clearance, as_supervisor):
    clearance.post("/declarations", declaration("K-1"))
    clearance.post("/declarations/K-1/inspection", {"finding": False})
    importer = Trader.objects.get(role="importer", code="IMP0001")
    before = importer.findings
    outcomes = EngineState.objects.get().outcomes
    reply = as_supervisor.post(
        "/api/v1/declarations/K-1/inspection/correction",
        {"finding": True, "finding_type": "origin", "additional_duties": "75.50",
         "reason": "the origin certificate was forged"},
        content_type="application/json",
    )  # fmt: skip
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert (body["finding"], body["finding_type"]) == (True, "origin")
    assert body["corrections"][0]["previous"]["finding"] is False
    assert body["corrections"][0]["reason"] == "the origin certificate was forged"
    inspection = Inspection.objects.get(declaration__declaration_id="K-1")
    assert inspection.additional_duties == Decimal("75.50")
    importer.refresh_from_db()
    assert importer.findings == before + 1  # the trader's figures follow
    assert Profile.objects.get(name="Cars").findings >= 1  # and the profile's
    assert EngineState.objects.get().outcomes == outcomes + 1  # and the serving engines
    event = AuditEvent.objects.get(action="inspection.correct")
    assert event.details["before"]["finding"] is False
    assert event.details["after"]["finding"] is True
    assert (
        clearance.post(
            "/declarations/K-1/inspection/correction",
            {"finding": False, "reason": "the clearance system may not"},
        ).status_code
        == 403
    )


@pytest.fixture
def as_supervisor(users):
    from django.test import Client

    client = Client()
    client.force_login(users["supervisor"])
    return client


def test_the_inspection_rules_are_the_same_on_the_api_as_on_the_page(cars, clearance):
    clearance.post("/declarations", declaration("V-1"))
    untyped = clearance.post("/declarations/V-1/inspection", {"finding": True})
    assert untyped.status_code == 422
    assert untyped.json()["errors"][0]["field"] == "finding_type"
    duties = clearance.post(
        "/declarations/V-1/inspection", {"finding": False, "additional_duties": "10"}
    )
    assert duties.status_code == 422
    assert duties.json()["errors"][0]["field"] == "additional_duties"
    future = clearance.post(
        "/declarations/V-1/inspection",
        {"finding": False, "inspected_at": "2099-01-01T00:00:00Z"},
    )
    assert future.status_code == 422
    assert future.json()["errors"][0]["message"] == "is in the future"
    assert not Inspection.objects.filter(declaration__declaration_id="V-1").exists()


def test_four_eyes_hold_on_the_api_whoever_edits(trained, api_as):
    """Analyst B writes and submits; analyst A edits and tries to approve: refused."""
    b = api_as("analyst-b", *profiles.READERS, profiles.Scope.PROFILES)
    a = api_as("analyst-a", profiles.Scope.PROFILES, profiles.Scope.APPROVE)
    code = b.post("/profiles", {"name": "Cars", "criteria": 'hs_code == "870323"'}).json()["code"]
    assert b.post(f"/profiles/{code}/versions/1/submit").status_code == 200
    draft = b.post("/profiles", {"name": "Steel", "criteria": 'hs_chapter == "72"'}).json()
    assert a.patch(f"/profiles/{draft['code']}/versions/1", {"weight": 0.9}).status_code == 200
    assert b.post(f"/profiles/{draft['code']}/versions/1/submit").status_code == 200
    refused = a.post(f"/profiles/{draft['code']}/versions/1/approve")
    assert refused.status_code == 409
    assert "four eyes" in refused.json()["detail"]
    assert a.post(f"/profiles/{code}/versions/1/approve").status_code == 200  # not A's


def test_imported_outcomes_reach_the_serving_engines(run_import, kcs_slice):
    before = EngineState.objects.first()
    run_import(kcs_slice[0])  # the KCS rows carry their outcomes
    after = EngineState.objects.get()
    assert after.outcomes > (before.outcomes if before else 0)
    assert Inspection.objects.filter(source="imported").exists()


def test_a_clearance_system_s_token_reads_no_targeting_rules_and_only_its_own(trained, api_as):
    clearance = api_as("clearance", *CLEARANCE_SYSTEM)
    assert clearance.get("/profiles").status_code == 403
    assert clearance.get("/watchlist").status_code == 403
    lodge(declaration("SYS-1"))  # lodged by Portcullis itself, not by this system
    assert clearance.get("/declarations/SYS-1").status_code == 404
    own = clearance.post("/declarations", declaration("OWN-1")).json()
    assert clearance.get("/declarations/OWN-1").status_code == 200
    assert clearance.get(f"/decisions/{own['decision']['id']}").status_code == 200
    other = api_as("other-system", *CLEARANCE_SYSTEM)
    assert other.get("/declarations/OWN-1").status_code == 404
    assert other.get(f"/decisions/{own['decision']['id']}").status_code == 404
    again = other.post("/declarations", declaration("OWN-1"))
    assert again.status_code == 409  # the id is taken; whose declaration it is stays unsaid
    assert "differing_fields" not in again.json() or again.json()["differing_fields"] == []
