"""Submitting batches, amending, reading history, replaying; errors as problem details."""

from __future__ import annotations

import pytest

from portcullis.web.accounts.scopes import Scope
from portcullis.web.declarations.models import Declaration, DeclarationRevision
from portcullis.web.scoring.models import Decision
from tests.builders import declaration

pytestmark = pytest.mark.django_db


def test_a_batch_gives_a_result_per_record_and_bad_records_never_sink_good_ones(trained, api_as):
    api = api_as("unipass", Scope.SUBMIT)
    bad_hs = declaration("B-2")
    bad_hs["items"][0]["hs_code"] = "9999.99"
    records = [
        declaration("B-1"),
        bad_hs,
        {"declaration_id": "B-3"},
        "not an object",
        declaration("B-1"),  # the same again, within the batch
        declaration("B-4", outcome={"finding": True}),
    ]
    reply = api.post("/declarations/batch", {"declarations": records})
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert (body["received"], body["assessed"], body["unchanged"], body["rejected"]) == (6, 1, 1, 4)
    results = body["results"]
    assert [r["status"] for r in results] == [
        "assessed", "rejected", "rejected", "rejected", "unchanged", "rejected"
    ]  # fmt: skip
    assert results[0]["channel"] in {"green", "yellow", "red", "blue"}
    assert results[4]["decision_id"] == results[0]["decision_id"]
    assert results[1]["errors"][0]["field"] == "items[0].hs_code"
    assert {e["field"] for e in results[2]["errors"]} >= {"lodged_at", "office", "items"}
    assert results[3]["errors"][0]["message"].startswith("must be a JSON object")
    assert results[5]["errors"][0]["field"] == "outcome"
    assert Declaration.objects.filter(declaration_id__startswith="B-").count() == 1
    assert Decision.objects.filter(declaration__declaration_id__startswith="B-").count() == 1


def test_a_batch_body_that_is_not_a_list_is_one_clear_problem(api_as):
    api = api_as("unipass", Scope.SUBMIT)
    reply = api.post("/declarations/batch", {"declarations": []})
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "declarations"
    garbage = api.client.post(
        "/api/v1/declarations/batch",
        data=b"{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.secret}"},
    )
    assert garbage.status_code == 400
    assert garbage["Content-Type"] == "application/problem+json"


def test_an_invalid_declaration_is_422_naming_each_field(trained, api_as):
    api = api_as("unipass", Scope.SUBMIT)
    broken = declaration("E-1", office="")
    broken["items"][0]["net_mass_kg"] = "-3"
    reply = api.post("/declarations", broken)
    assert reply.status_code == 422
    problem = reply.json()
    assert problem["type"].endswith("/invalid")
    assert {e["field"] for e in problem["errors"]} == {"office", "items[0].net_mass_kg"}
    assert not Declaration.objects.filter(declaration_id="E-1").exists()


def test_amending_keeps_the_old_version_and_reassesses(trained, api_as):
    api = api_as("unipass", Scope.SUBMIT, Scope.READ)
    first = api.post("/declarations", declaration("A-1")).json()["decision"]
    amended = declaration("A-1")
    amended["items"][0]["customs_value"] = "150"
    reply = api.put("/declarations/A-1", amended)
    assert reply.status_code == 201, reply.content
    second = reply.json()["decision"]
    assert second["id"] != first["id"]
    assert second["declaration_version"] == 2
    assert api.put("/declarations/A-1", amended).status_code == 200  # the same again: unchanged

    read = api.get("/declarations/A-1").json()
    assert read["version"] == 2
    assert read["content"]["items"][0]["customs_value"] == "150.00"
    assert [d["id"] for d in read["decisions"]] == [second["id"], first["id"]]
    (revision,) = read["revisions"]
    assert revision["version"] == 1
    assert revision["content"]["items"][0]["customs_value"] == "15000.00"
    assert DeclarationRevision.objects.count() == 1

    # The first decision still replays to itself, on the content it judged.
    replayed = api.post(f"/decisions/{first['id']}/replay").json()
    assert replayed["same"] is True
    assert api.post(f"/decisions/{second['id']}/replay").json()["same"] is True


def test_amending_refuses_another_id_and_unknown_declarations(trained, api_as):
    api = api_as("unipass", Scope.SUBMIT)
    api.post("/declarations", declaration("A-2"))
    reply = api.put("/declarations/A-2", declaration("A-3"))
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "declaration_id"
    assert api.put("/declarations/NOPE", declaration("NOPE")).status_code == 404


def test_reading_unknown_things_is_404_problem(api_as):
    api = api_as("reader", Scope.READ, Scope.RISK_READ)
    for path in ("/declarations/NOPE", "/decisions/999", "/profiles/PRF-9999", "/jobs/99"):
        reply = api.get(path)
        assert reply.status_code == 404, path
        assert reply["Content-Type"] == "application/problem+json"


def test_no_model_means_no_green(settings, api_as, kcs_slice, run_import):
    """With no active model, declarations are held with the reason, never released."""
    run_import(kcs_slice[0])
    api = api_as("unipass", Scope.SUBMIT)
    decision = api.post("/declarations", declaration("N-1")).json()["decision"]
    assert decision["channel"] != "green"
    assert decision["reason"] == "signal_failure"
    assert decision["failure"]
