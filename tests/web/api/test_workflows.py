"""Inspections, profiles (four eyes), watchlists and jobs through the API."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.models import AuditEvent
from portcullis.web.inspections.models import Inspection
from portcullis.web.jobs.models import Job
from portcullis.web.scoring.models import EngineState
from tests.builders import declaration
from tests.web.acting import cars_sent_red

pytestmark = pytest.mark.django_db


@pytest.fixture
def cars_profile(trained, users):
    return cars_sent_red(users)


def _selected(api, prefix: str) -> str:
    """A declaration submitted and selected for control; its id."""
    body = api.post("/declarations", declaration(f"{prefix}-1")).json()
    assert body["decision"]["channel"] == "red"
    return body["declaration_id"]


def test_recording_an_inspection_of_a_selected_declaration(cars_profile, api_as):
    api = api_as("officer", Scope.SUBMIT, Scope.INSPECT, Scope.READ)
    declaration_id = _selected(api, "I")
    before = EngineState.objects.first()
    outcome = {
        "finding": True,
        "finding_type": "undervaluation",
        "additional_duties": "1250.50",
        "seizure": False,
        "notes": "<script>alert(1)</script> invoice altered",
    }
    reply = api.post(f"/declarations/{declaration_id}/inspection", outcome)
    assert reply.status_code == 201, reply.content
    assert reply.json()["recorded_by"] == "officer"
    inspection = Inspection.objects.get(declaration__declaration_id=declaration_id)
    assert inspection.notes == outcome["notes"]  # kept as text, never interpreted
    assert str(inspection.additional_duties) == "1250.50"
    assert EngineState.objects.first().outcomes == (before.outcomes if before else 0) + 1
    assert AuditEvent.objects.filter(action="inspection.record", actor_name="officer").exists()
    again = api.post(f"/declarations/{declaration_id}/inspection", {"finding": False})
    assert again.status_code == 409
    read = api.get(f"/declarations/{declaration_id}").json()
    assert read["inspection"]["finding_type"] == "undervaluation"


def test_an_inspection_needs_a_selected_declaration_and_a_consistent_outcome(cars_profile, api_as):
    api = api_as("officer", Scope.SUBMIT, Scope.INSPECT)
    assert api.post("/declarations/NOPE/inspection", {"finding": False}).status_code == 404
    declaration_id = _selected(api, "J")
    odd = api.post(
        f"/declarations/{declaration_id}/inspection", {"finding": False, "seizure": True}
    )
    assert odd.status_code == 422
    wrong_type = api.post(
        f"/declarations/{declaration_id}/inspection", {"finding": True, "finding_type": "magic"}
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["field"] == "finding_type"


def test_a_profile_goes_from_draft_to_active_with_four_eyes(trained, api_as):
    author = api_as("analyst", Scope.PROFILES, Scope.APPROVE, Scope.READ, Scope.SUBMIT)
    approver = api_as("supervisor", Scope.APPROVE)
    typo = author.post("/profiles", {"name": "Cars from CN", "criteria": 'hs_cod == "870323"'})
    assert typo.status_code == 422
    assert "hs_code" in typo.json()["errors"][0]["message"]
    created = author.post(
        "/profiles",
        {
            "name": "Cars from CN",
            "criteria": 'hs_code == "870323" and origin_country == "CN"',
            "channel": "red",
            "mandatory": True,
            "rationale": "undervalued cars",
        },
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert author.patch(f"/profiles/{code}/versions/1", {"weight": 0.9}).status_code == 200
    assert author.post(f"/profiles/{code}/versions/1/submit").status_code == 200
    own = author.post(f"/profiles/{code}/versions/1/approve")
    assert own.status_code == 409
    assert "four eyes" in own.json()["detail"]
    approved = approver.post(f"/profiles/{code}/versions/1/approve")
    assert approved.status_code == 200
    assert approved.json()["active_version"] == 1

    hit = author.post("/declarations", declaration("P-1")).json()["decision"]
    assert hit["channel"] == "red"
    assert hit["reason"] == "mandatory_profile"
    assert hit["profile_hits"] == [{"profile": code, "version": 1, "line_no": 1, "selected": True}]
    listed = {p["code"]: p for p in author.get("/profiles").json()}
    assert listed[code]["statistics"]["hits"] == 1

    assert (
        approver.post(f"/profiles/{code}/versions/1/suspend", {"reason": "done"}).status_code == 200
    )
    after = author.post("/declarations", declaration("P-2")).json()["decision"]
    assert after["profile_hits"] == []
    assert author.patch(f"/profiles/{code}/versions/1", {"weight": 0.1}).status_code == 409


def test_watchlist_entries_are_added_changed_and_revoked_with_expiry(trained, api_as):
    api = api_as("analyst", Scope.PROFILES, Scope.READ, Scope.SUBMIT)
    added = api.post(
        "/watchlist",
        {"kind": "importer", "value": "IMP0001", "reason": "tip-off", "weight": 0.9,
         "expires_at": "2099-01-01T00:00:00Z"},
    )  # fmt: skip
    assert added.status_code == 201, added.content
    code = added.json()["code"]
    assert added.json()["in_force"] is True
    decision = api.post("/declarations", declaration("W-1")).json()["decision"]
    assert [h["entry"] for h in decision["watchlist_hits"]] == [code]

    changed = api.put(
        f"/watchlist/{code}",
        {"kind": "importer", "value": "IMP0001", "reason": "tip-off, confirmed"},
    )
    assert changed.status_code == 201
    new_code = changed.json()["code"]
    assert api.get(f"/watchlist/{code}").json()["revoked_at"] is not None
    assert api.put(f"/watchlist/{code}", changed.json() | {"kind": "importer"}).status_code in (
        409,
        422,
    )
    assert api.post(f"/watchlist/{new_code}/revoke", {"reason": "closed"}).status_code == 200
    assert api.get("/watchlist").json() == []
    assert len(api.get("/watchlist?include_revoked=true").json()) == 2
    bad = api.post("/watchlist", {"kind": "route", "value": "nonsense", "reason": "x"})
    assert bad.status_code == 422


@pytest.mark.django_db(transaction=True)  # the worker opens and closes its own connections
def test_jobs_run_in_the_worker_and_report_progress(trained, api_as, tmp_path):
    admin = api_as("admin", Scope.ADMIN)
    training = admin.post("/jobs/training", {"max_rounds": 5})
    assert training.status_code == 202, training.content
    backtest = admin.post("/jobs/backtest", {"split": "2020-01-15"})
    assert backtest.status_code == 202
    upload = tmp_path / "two.json"
    upload.write_text(
        json.dumps([declaration("U-1"), declaration("U-2", office="")]), encoding="utf-8"
    )
    with upload.open("rb") as handle:
        imported = admin.client.post(
            "/api/v1/jobs/import",
            {"file": handle},
            headers={"Authorization": f"Bearer {admin.secret}"},
        )
    assert imported.status_code == 202, imported.content
    assert {j["status"] for j in admin.get("/jobs").json()} == {"queued"}

    call_command("worker", "--batch", "--interval", "0.1")

    jobs = {j["kind"]: j for j in admin.get("/jobs").json()}
    assert {kind: j["status"] for kind, j in jobs.items()} == {
        "training": "succeeded", "backtest": "succeeded", "import": "succeeded"
    }, jobs  # fmt: skip
    assert jobs["training"]["result"]["model_version"].startswith("m-")
    assert 0 <= jobs["backtest"]["result"]["roc_auc"] <= 1
    assert (jobs["import"]["result"]["stored"], jobs["import"]["result"]["rejected"]) == (1, 1)
    assert jobs["import"]["percent"] == 100.0
    assert Job.objects.filter(status="succeeded").count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_backtest_with_nothing_to_test_fails_with_a_reason(trained, api_as):
    admin = api_as("admin", Scope.ADMIN)
    job = admin.post("/jobs/backtest", {"split": "2030-01-01"}).json()
    call_command("worker", "--batch", "--interval", "0.1")
    failed = admin.get(f"/jobs/{job['id']}").json()
    assert failed["status"] == "failed"
    assert "both need some" in failed["message"]


def test_health_and_readiness(anonymous, api_as, trained, settings):
    assert anonymous.get("/health").json() == {"status": "ok"}
    ready = anonymous.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True, "database": True, "writable": True, "model": True,
        "model_version": None, "problems": [],
    }  # fmt: skip  # nothing an outsider could use
    known = api_as("monitor", Scope.READ).get("/ready").json()
    assert known["model_version"] == trained.model.version


def test_not_ready_when_the_model_s_files_were_altered(anonymous, api_as, trained, settings):
    folder = settings.PORTCULLIS_MODELS_DIR / trained.model.version
    (folder / "model.txt").write_text("altered", encoding="utf-8")
    reply = api_as("monitor", Scope.READ).get("/ready")
    assert reply.status_code == 503
    assert reply["Retry-After"] == "30"
    assert "model.txt is missing or was altered" in reply.json()["problems"][0]
    assert anonymous.get("/ready").json()["problems"] == []


def test_not_ready_without_a_model(anonymous):
    reply = anonymous.get("/ready")
    assert reply.status_code == 503
    assert reply.json()["model"] is False
    assert reply.json()["writable"] is True


def test_a_sqlite_disk_nearly_full_is_reported_before_a_write_fails_on_it(tmp_path, monkeypatch):
    from collections import namedtuple

    from portcullis.web.scoring import readiness

    usage = namedtuple("usage", "total used free")
    database = str(tmp_path / "portcullis.sqlite3")
    assert readiness.sqlite_short_of_space(database) is None
    monkeypatch.setattr(readiness.shutil, "disk_usage", lambda path: usage(10**9, 10**9, 2**20))
    assert readiness.sqlite_short_of_space(database) == f"the disk of {database} has 1024 KiB free"
    assert readiness.sqlite_short_of_space(":memory:") is None


def test_text_and_moments_a_database_cannot_store_are_refused_with_422(trained, api_as):
    # Found by schemathesis on PostgreSQL: a NUL in a profile name and a -22:10 offset
    # reached the database and failed there (500).
    api = api_as("analyst", Scope.PROFILES, Scope.READ)
    nul = api.post("/profiles", {"name": "Cars\u0000", "criteria": 'hs_code == "870323"'})
    assert nul.status_code == 422
    assert "control characters" in nul.content.decode()
    offset = api.post(
        "/watchlist",
        {
            "kind": "origin",
            "value": "CN",
            "reason": "test",
            "valid_from": "2021-01-01T00:00:00-22:10",
        },
    )
    assert offset.status_code == 422
    assert offset.json()["errors"] == [
        {"field": "valid_from", "message": "has a UTC offset beyond ±14:00"}
    ]
