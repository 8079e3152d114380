"""Submitting a declaration and reading its decision back, as a clearance system does."""

from __future__ import annotations

import pytest

from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.models import AuditEvent
from portcullis.web.scoring.models import Decision
from tests.builders import declaration

pytestmark = pytest.mark.django_db


def test_submit_returns_a_decision_with_its_reasons_and_versions(trained, api_as):
    api = api_as("unipass", Scope.SUBMIT, Scope.READ)
    reply = api.post("/declarations", declaration("API-1"))
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["status"] == "assessed"
    decision = body["decision"]
    assert decision["channel"] in {"green", "yellow", "red", "blue"}
    assert decision["reason_text"]
    assert decision["versions"]["model"] == trained.model.version
    assert decision["versions"]["policy"].startswith("p-")
    assert [item["line_no"] for item in decision["items"]] == [1]
    stored = Decision.objects.get(pk=decision["id"])
    assert stored.requested_by.username == "unipass"
    assert AuditEvent.objects.filter(action="declaration.submit", actor_name="unipass").exists()

    again = api.get("/declarations/API-1")
    assert again.status_code == 200
    assert again.json()["decision"]["id"] == decision["id"]
    assert again.json()["content"]["items"][0]["hs_code"] == "870323"


def test_the_same_declaration_again_returns_the_original_decision(trained, api_as):
    api = api_as("unipass", Scope.SUBMIT)
    first = api.post("/declarations", declaration("API-2")).json()
    second = api.post("/declarations", declaration("API-2"))
    assert second.status_code == 200
    assert second.json()["status"] == "unchanged"
    assert second.json()["decision"]["id"] == first["decision"]["id"]
    assert Decision.objects.filter(declaration__declaration_id="API-2").count() == 1


def test_different_content_under_a_stored_id_is_a_conflict_naming_the_fields(trained, api_as):
    api = api_as("unipass", Scope.SUBMIT)
    api.post("/declarations", declaration("API-3"))
    changed = declaration("API-3", importer="IMP0002")
    changed["items"][0]["customs_value"] = "9000"
    reply = api.post("/declarations", changed)
    assert reply.status_code == 409
    assert reply["Content-Type"] == "application/problem+json"
    problem = reply.json()
    assert problem["status"] == 409
    assert problem["differing_fields"] == ["importer", "items[0].customs_value"]
