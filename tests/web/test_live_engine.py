"""The engine a serving process keeps: rebuilt at once when what decides changes, refreshed
in the background when outcomes arrive, never making a request wait for the history."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from portcullis.web.profiles.compiled import active_versions, profile_set
from portcullis.web.profiles.models import ProfileSetVersion
from portcullis.web.scoring import live
from portcullis.web.scoring.state import engine_changed


@pytest.fixture(autouse=True)
def _fresh():
    live.forget()
    yield
    live.wait_for_refresh()
    live.forget()


@pytest.mark.django_db(transaction=True)  # the refresh reads through its own connection
def test_new_outcomes_are_folded_in_by_a_background_refresh(trained, settings):
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0.001
    first = live.live_engine()
    assert live.live_engine() is first  # nothing changed: the same engine

    engine_changed("outcomes")
    assert live.live_engine() is first  # the request goes on with what it has ...
    live.wait_for_refresh()
    refreshed = live.live_engine()  # ... and the next one gets the refreshed history
    assert refreshed is not first
    assert live.live_engine() is refreshed


@pytest.mark.django_db
def test_a_configuration_change_applies_to_the_next_request(trained, settings):
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 3600
    first = live.live_engine()
    history = live._kept.context
    engine_changed("configuration")
    second = live.live_engine()
    assert second is not first
    assert live._kept.context is history  # only what decides was rebuilt, not the history


@pytest.mark.django_db
def test_without_a_refresh_interval_outcomes_apply_at_once(trained, settings):
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    first = live.live_engine()
    engine_changed("outcomes")
    assert live.live_engine() is not first


def _refresh_waits_on_a_lock(bound: float = 30.0) -> bool:
    """Whether another session (the refresh thread's) is waiting for a row lock."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Within a transaction the statistics views keep their first snapshot.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_refresh_waiting_on_a_transaction_does_not_stop_that_transaction(trained, settings):
    """A request whose transaction holds the row the refresh writes (the profile set's
    record) must still get an engine: the refresh builds without holding the lock."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between sessions are tested on PostgreSQL")
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0.001
    first = live.live_engine()
    ProfileSetVersion.objects.all().delete()  # so that the refresh has the set's row to write
    engine_changed("outcomes")
    with transaction.atomic():
        profile_set(active_versions())  # the row the refresh is about to write, uncommitted
        live.live_engine()  # starts the refresh, which waits for this transaction
        assert _refresh_waits_on_a_lock()
        engine_changed("configuration")
        assert live.live_engine() is not first  # before the fix: waited here for ever
    live.wait_for_refresh()
