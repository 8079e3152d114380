"""The engine a serving process keeps: rebuilt at once when what decides changes, refreshed
in the background when outcomes arrive, never making a request wait for the history."""

from __future__ import annotations

import pytest

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
