"""The outbox and the events feed: an event is written with each decision, override and
result, in the change's own transaction, and read back in feed order by who may see it."""

from __future__ import annotations

import pytest

from portcullis.engine.channels import Channel
from portcullis.web.accounts.scopes import CLEARANCE_SYSTEM, Scope
from portcullis.web.events.models import Event, EventKind
from portcullis.web.events.sequence import sequence_events
from portcullis.web.scoring import assessing
from portcullis.web.scoring.models import Decision
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.decisions import override_decision
from portcullis.web.usecases.inspections import assign, correct_outcome
from tests.builders import declaration, kcs_row, write_kcs

pytestmark = pytest.mark.django_db


def _kinds(declaration_id: str) -> list[str]:
    rows = Event.objects.filter(declaration__declaration_id=declaration_id).order_by("pk")
    return list(rows.values_list("kind", flat=True))


def test_a_submission_writes_its_decision_s_event_with_it(cars, clearance):
    answer = clearance.post("/declarations", declaration("E-1")).json()
    event = Event.objects.get(declaration__declaration_id="E-1")
    assert (event.kind, event.decision_id) == (EventKind.DECISION, answer["decision"]["id"])
    assert event.data["channel"] == answer["decision"]["channel"] == "red"
    assert event.position is None  # numbered once committed, by the sequencer


def test_a_batch_writes_one_event_per_decision_and_a_repeat_none(cars, clearance):
    body = {"declarations": [declaration(f"E-B{n}") for n in range(5)]}
    assert clearance.post("/declarations/batch", body).status_code == 200
    clearance.post("/declarations/batch", body)  # the same again: unchanged, nothing new
    assert Event.objects.filter(kind=EventKind.DECISION).count() == 5
    assert Event.objects.count() == Decision.objects.count() == 5


def test_a_fault_after_the_decisions_leaves_no_event(cars, clearance, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(assessing, "_make_current", broken)
    body = {"declarations": [declaration(f"E-F{n}") for n in range(3)]}
    assert clearance.post("/declarations/batch", body).status_code == 500
    assert not Event.objects.exists()
    assert not Decision.objects.exists()


def test_overrides_results_and_corrections_are_events_and_imported_results_are_not(
    cars, clearance, users, tmp_path, run_import, django_user_model
):
    answer = clearance.post("/declarations", declaration("E-2")).json()
    override_decision(
        Actor.person(users["supervisor"]),
        answer["decision"]["id"],
        Channel.YELLOW,
        "documents are enough for this importer",
    )
    chief = django_user_model.objects.create_superuser("chief", password="x" * 16)
    assign(Actor.person(chief), "E-2")
    found = {"finding": True, "finding_type": "undervaluation", "additional_duties": "100"}
    assert clearance.post("/declarations/E-2/inspection", found).status_code == 201
    correct_outcome(
        Actor.person(users["supervisor"]), "E-2", {"finding": False}, "the invoice was genuine"
    )
    assert _kinds("E-2") == [
        EventKind.DECISION,
        EventKind.OVERRIDE,
        EventKind.ASSIGNMENT,
        EventKind.RESULT,
        EventKind.CORRECTION,
    ]
    result = Event.objects.get(declaration__declaration_id="E-2", kind=EventKind.RESULT)
    assert result.data == {"finding": True, "finding_type": "undervaluation", "revenue": "100.00"}
    before = Event.objects.count()
    run_import(write_kcs(tmp_path / "more.csv", [kcs_row("HIST-1")]))
    assert Event.objects.count() == before


def test_the_feed_gives_a_client_its_own_events_in_order_and_where_to_go_on(
    cars, clearance, api_as
):
    other = api_as("other-system", *CLEARANCE_SYSTEM)
    for n in range(3):
        clearance.post("/declarations", declaration(f"E-O{n}"))
    other.post("/declarations", declaration("E-X"))
    first = clearance.get("/events?limit=2").json()
    assert [e["declaration_id"] for e in first["events"]] == ["E-O0", "E-O1"]
    assert first["next_after"] == first["events"][-1]["position"]
    rest = clearance.get(f"/events?after={first['next_after']}").json()
    assert [e["declaration_id"] for e in rest["events"]] == ["E-O2"]
    assert rest["next_after"] == 4  # every event numbered so far has been read or is not its
    assert clearance.get(f"/events?after={rest['next_after']}").json()["events"] == []
    assert [e["declaration_id"] for e in other.get("/events").json()["events"]] == ["E-X"]
    event = first["events"][0]
    assert set(event) == {
        "id", "position", "type", "occurred_at", "declaration_id", "decision_id", "data"
    }  # fmt: skip
    assert event["type"] == "decision.made"


def test_the_feed_refuses_a_bad_position_or_page_size_naming_the_field(clearance):
    for query, field in (("after=-1", "after"), ("limit=0", "limit"), ("limit=5000", "limit")):
        reply = clearance.get(f"/events?{query}")
        assert reply.status_code in (400, 422), query
        assert field in reply.content.decode()
    assert clearance.get("/events?after=abc").status_code in (400, 422)


def test_the_feed_needs_the_read_scope(api_as):
    submitter = api_as("submit-only", Scope.SUBMIT)
    assert submitter.get("/events").status_code == 403


def test_an_event_committed_late_is_numbered_after_what_was_read(cars, clearance):
    clearance.post("/declarations", declaration("E-L1"))
    clearance.post("/declarations", declaration("E-L2"))
    late = Event.objects.get(declaration__declaration_id="E-L1")
    Event.objects.filter(pk=late.pk).delete()  # as if its transaction had not committed yet
    sequence_events()
    seen = Event.objects.get(declaration__declaration_id="E-L2").position
    late.position = None
    late.save()  # it commits now, with the lower key
    sequence_events()
    late.refresh_from_db()
    assert late.position > seen
