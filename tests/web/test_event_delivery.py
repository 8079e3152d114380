"""Delivering the events feed to subscribers: signed, in order, each event under its own id
until the receiver takes it; a failure waits longer each time, and after the last attempt
the event is kept as a dead letter while the feed goes on. Against a real HTTP receiver on
loopback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from portcullis.web.audit.models import AuditEvent
from portcullis.web.declarations.models import Declaration
from portcullis.web.errors import Invalid, NotAllowedNow
from portcullis.web.events import delivery
from portcullis.web.events.delivery import MAX_ATTEMPTS, deliver_due, run_deliveries
from portcullis.web.events.models import DeadLetter, EventKind, Subscriber
from portcullis.web.events.outbox import outbox_row, write_events
from portcullis.web.events.sequence import sequence_events
from portcullis.web.events.signing import verify
from portcullis.web.usecases import subscribers
from portcullis.web.usecases.actor import Actor
from tests.builders import kcs_row, write_kcs

SYSTEM = Actor.system()


class Receiver:
    """An HTTP server on loopback that keeps what it is sent and answers as told."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []  # the next answers' status codes; then 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[str]:
        return [json.loads(body)["id"] for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.server.shutdown()


@pytest.fixture
def declarations(tmp_path, run_import) -> list[int]:
    run_import(write_kcs(tmp_path / "k.csv", [kcs_row(f"W-{n}") for n in range(1, 5)]))
    return list(Declaration.objects.order_by("declaration_id").values_list("pk", flat=True))


def _events(pks: list[int], kind: EventKind = EventKind.DECISION) -> None:
    write_events([outbox_row(kind, pk, timezone.now(), {"channel": "red"}) for pk in pks])
    sequence_events()


def _exhausted(receiver: Receiver, status: int) -> datetime:
    """Every attempt at the first event answered ``status``, hours apart; the time after."""
    receiver.answers = [status] * MAX_ATTEMPTS
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now=now)
        now += timedelta(hours=2)
    return now


def _subscribe(url: str, **options: Any) -> tuple[Subscriber, str]:
    made = subscribers.add_subscriber(SYSTEM, "UNI-PASS", url, **options)
    return made.subscriber, made.secret


@pytest.mark.django_db
def test_events_are_delivered_signed_in_order_and_once(receiver, declarations):
    _events(declarations[:3])
    subscriber, secret = _subscribe(receiver.url, from_start=True)
    assert deliver_due() == 3
    assert deliver_due() == 0
    positions = [json.loads(body)["position"] for _, body in receiver.received]
    assert positions == sorted(positions)
    assert len(set(receiver.ids())) == 3
    for headers, body in receiver.received:
        assert verify(
            secret, headers["Portcullis-Timestamp"], body, headers["Portcullis-Signature"],
            time.time(),
        )  # fmt: skip
        assert headers["Portcullis-Event-Id"] == json.loads(body)["id"]
        assert not verify("whsec_another", headers["Portcullis-Timestamp"], body,
                          headers["Portcullis-Signature"], time.time())  # fmt: skip
        assert not verify(secret, headers["Portcullis-Timestamp"], body,
                          headers["Portcullis-Signature"], time.time() + 3600)  # fmt: skip
    subscriber.refresh_from_db()
    assert subscriber.delivered_through == max(positions)


@pytest.mark.django_db
def test_a_new_subscriber_is_sent_what_comes_after_it_and_only_its_kinds(receiver, declarations):
    _events(declarations[:2])
    _subscribe(receiver.url, kinds=["result.recorded"])
    _events(declarations[2:3])  # a decision: not asked for
    _events(declarations[3:4], EventKind.RESULT)
    deliver_due()
    assert [json.loads(body)["type"] for _, body in receiver.received] == ["result.recorded"]


@pytest.mark.django_db
def test_a_failure_is_tried_again_later_under_the_same_id(receiver, declarations):
    _events(declarations[:2])
    subscriber, _ = _subscribe(receiver.url, from_start=True)
    receiver.answers = [500]
    now = timezone.now()
    assert deliver_due(now=now) == 0
    subscriber.refresh_from_db()
    assert (subscriber.attempts, subscriber.last_error) == (1, "HTTP 500")
    assert subscriber.next_attempt_at == now + timedelta(seconds=10)
    assert deliver_due(now=now + timedelta(seconds=5)) == 0  # not yet
    assert deliver_due(now=now + timedelta(seconds=11)) == 2
    first = receiver.ids()
    assert first[0] == first[1]
    assert len(set(first)) == 2


@pytest.mark.django_db
def test_after_the_last_attempt_an_event_is_a_dead_letter_and_the_feed_goes_on(
    receiver, declarations
):
    _events(declarations[:2])
    _subscriber, _ = _subscribe(receiver.url, from_start=True)
    now = _exhausted(receiver, 503)
    letter = DeadLetter.objects.get()
    assert (letter.attempts, letter.last_error) == (MAX_ATTEMPTS, "HTTP 503")
    deliver_due(now=now)
    assert len(set(receiver.ids())) == 2  # the second event went through
    again = subscribers.redeliver(SYSTEM, letter.pk)
    assert again.redelivered_at is not None
    assert receiver.ids()[-1] == str(letter.event.event_id)
    with pytest.raises(NotAllowedNow):
        subscribers.redeliver(SYSTEM, letter.pk)


@pytest.mark.django_db
def test_a_worker_stopped_between_the_answer_and_its_note_sends_that_event_again(
    receiver, declarations, monkeypatch
):
    _events(declarations[:2])
    _subscribe(receiver.url, from_start=True)
    real = delivery._moved_past

    def killed(*args: Any) -> None:
        raise KeyboardInterrupt  # the process stops after the receiver took the event

    monkeypatch.setattr(delivery, "_moved_past", killed)
    with pytest.raises(KeyboardInterrupt):
        deliver_due()
    monkeypatch.setattr(delivery, "_moved_past", real)
    deliver_due()
    ids = receiver.ids()
    assert len(ids) == 3
    assert ids[0] == ids[1]
    assert len(set(ids)) == 2  # record of ids done makes it once


@pytest.mark.django_db
def test_a_worker_that_died_holding_a_subscriber_lets_go_when_its_lease_ends(
    receiver, declarations
):
    _events(declarations[:1])
    subscriber, _ = _subscribe(receiver.url, from_start=True)
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk).update(leased_until=now + delivery.lease())
    assert deliver_due(now=now) == 0  # another worker holds it
    assert deliver_due(now=now + delivery.lease() + timedelta(seconds=1)) == 1


@pytest.mark.django_db
def test_subscriber_addresses_are_checked_and_the_secret_is_never_kept_in_the_audit():
    for url in ("ftp://example.org/hook", "http://user:pw@example.org/hook", "not a url"):
        with pytest.raises(Invalid):
            subscribers.add_subscriber(SYSTEM, "X", url)
    with pytest.raises(Invalid):
        subscribers.add_subscriber(SYSTEM, "X", "https://example.org/hook", ["decision.eaten"])
    made = subscribers.add_subscriber(SYSTEM, "UNI-PASS", "https://example.org/hook")
    assert made.secret.startswith("whsec_")
    assert len(made.secret) > 40
    audit = AuditEvent.objects.get(action="subscriber.add")
    assert made.secret not in json.dumps(audit.details) + audit.summary


@pytest.mark.django_db(transaction=True)
def test_the_worker_s_delivery_thread_numbers_and_delivers(receiver, declarations):
    _subscribe(receiver.url, from_start=True)
    write_events(
        [outbox_row(EventKind.DECISION, pk, timezone.now(), {}) for pk in declarations[:2]]
    )
    stop = threading.Event()
    thread = threading.Thread(target=run_deliveries, args=(stop, 0.05), daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if len(receiver.received) >= 2:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert len(set(receiver.ids())) == 2


@pytest.mark.django_db
def test_the_administrator_sees_dead_letters_and_sends_them_again_never_the_secret(
    client, receiver, declarations, django_user_model
):
    _events(declarations[:1])
    subscriber, secret = _subscribe(receiver.url, from_start=True)
    _exhausted(receiver, 500)
    letter = DeadLetter.objects.get()
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 16))
    listed = client.get(reverse("admin:events_deadletter_changelist"))
    assert listed.status_code == 200
    assert "HTTP 500" in listed.content.decode()
    shown = client.get(reverse("admin:events_subscriber_change", args=[subscriber.pk]))
    assert shown.status_code == 200
    assert secret not in shown.content.decode()
    client.post(
        reverse("admin:events_deadletter_changelist"),
        {"action": "send_again", "_selected_action": [letter.pk]},
    )
    letter.refresh_from_db()
    assert letter.redelivered_at is not None
    assert AuditEvent.objects.filter(action="dead_letter.redeliver").count() == 1


@pytest.mark.django_db
def test_a_worker_that_outlived_its_lease_never_moves_the_feed_back(receiver, declarations):
    _events(declarations[:3])
    subscriber, _ = _subscribe(receiver.url, from_start=True)
    Subscriber.objects.filter(pk=subscriber.pk).update(delivered_through=3)  # another went on
    delivery._moved_past(subscriber, 2)  # the late one notes what it sent before
    subscriber.refresh_from_db()
    assert subscriber.delivered_through == 3


@pytest.mark.django_db
def test_a_worker_lets_go_of_its_own_lease_only(receiver, declarations, monkeypatch):
    _events(declarations[:1])
    subscriber, _ = _subscribe(receiver.url, from_start=True)
    theirs = timezone.now() + timedelta(hours=1)

    def overtaken(*args: Any) -> int:  # its lease ran out, and another worker took over
        Subscriber.objects.filter(pk=subscriber.pk).update(leased_until=theirs)
        return 0

    monkeypatch.setattr(delivery, "_deliver", overtaken)
    deliver_due()
    assert Subscriber.objects.get(pk=subscriber.pk).leased_until == theirs
