"""The engine a serving process keeps: rebuilt at once when what decides changes, refreshed
in the background when outcomes arrive, never making a request wait for the history."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import polars as pl
import pytest
from django.db import connection, transaction
from django.utils import timezone

from portcullis.web.profiles.compiled import active_versions, profile_set
from portcullis.web.profiles.models import ProfileSetVersion
from portcullis.web.scoring import live
from portcullis.web.scoring.history_copy import history_frame
from portcullis.web.scoring.state import engine_changed
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.inspections import correct_outcome
from tests.builders import declaration
from tests.web.acting import COMPLIANT, active_profile, cars_sent_red, lodge, record

FOUND = {"finding": True, "finding_type": "undervaluation", "additional_duties": Decimal(250)}


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


@pytest.mark.django_db(transaction=True)  # the refresh reads through its own connection
def test_an_outcome_is_added_to_the_kept_history_not_read_again(trained, users, settings, tmp_path):
    """The kept history takes the declarations and outcomes stored since as additions: the
    importer's new inspection counts for its next declaration, and the copy of history is
    not read again."""
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    settings.PORTCULLIS_HISTORY_COPY = True  # as served
    settings.DATA_DIR = tmp_path  # a copy of this test's own
    live.forget()
    active_profile(
        users["analyst"],
        users["supervisor"],
        "Inspected before",
        criteria='importer == "IMP-SEEN" and importer_inspections >= 1',
        mandatory=True,
        channel="yellow",
    )
    cars_sent_red(users)
    first = live.live_engine()
    assert first.engine.context.compliance.since is not None  # a serving history
    (seen,) = lodge(declaration("SEEN-1", importer="IMP-SEEN"))
    record(seen.decision.declaration, COMPLIANT)

    def read_again(*args, **kwargs):
        raise AssertionError("the history was read again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(live, "serving_context", read_again)
        now = timezone.now().isoformat()
        coffee = [{**declaration()["items"][0], "hs_code": "0901.21", "description": "Coffee"}]
        (after,) = lodge(declaration("SEEN-2", importer="IMP-SEEN", lodged_at=now, items=coffee))
    hits = after.decision.profile_hits.select_related("profile_version__profile")
    assert "Inspected before" in [hit.profile_version.profile.name for hit in hits]


@pytest.mark.django_db(transaction=True)  # the refresh reads through its own connection
def test_a_corrected_result_reaches_the_kept_history_and_the_copy(
    trained, users, settings, tmp_path
):
    """A result corrected in place changes no count and no highest key: the change counter
    tells the serving history and the copy to read history again, so the importer's finding
    taken back no longer counts (before, both kept it)."""
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    settings.PORTCULLIS_HISTORY_COPY = True
    settings.DATA_DIR = tmp_path
    live.forget()
    cars_sent_red(users)
    (fixed,) = lodge(declaration("FIX-1", importer="IMP-FIXED"))
    record(fixed.decision.declaration, FOUND)

    def importer_figures() -> tuple[float, ...]:
        compliance = live.live_engine().engine.context.compliance
        return compliance._totals[("importer",)].index().get("IMP-FIXED")[:2]

    assert importer_figures() == (1.0, 1.0)  # one finding of one inspection
    correct_outcome(
        Actor.person(users["supervisor"]), "FIX-1", COMPLIANT, "the duties were paid after all"
    )
    assert importer_figures() == (0.0, 1.0)
    frame = history_frame()
    assert frame.filter(pl.col("declaration_id") == "FIX-1").get_column("finding").to_list() == [
        False
    ]


def test_late_declarations_arriving_together_share_one_engine_over_the_whole_history(
    settings, monkeypatch
):
    """A burst of declarations lodged before the kept history's reach builds one engine over
    the whole history, not one each; another configuration, or a request that comes after
    it is no longer fresh (built longer before it than the refresh interval or a build's
    own time), builds another."""
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 60
    built = []

    def slow_build():
        built.append(time.monotonic())
        time.sleep(0.2)
        return object()

    monkeypatch.setattr(live, "build_engine", slow_build)
    asked = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        engines = list(pool.map(lambda _: live._whole_history(asked, 1), range(4)))
    assert len(built) == 1
    assert all(engine is engines[0] for engine in engines)
    live._whole_history(time.monotonic(), 2)  # another configuration
    assert len(built) == 2
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    live._whole_history(time.monotonic(), 2)  # asked after the last build was done
    assert len(built) == 3
    # Asked while one is built: it takes that one rather than waiting for one of its own.
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(live._whole_history, time.monotonic(), 3)
        time.sleep(0.05)
        second = pool.submit(live._whole_history, time.monotonic(), 3)
        assert first.result() is second.result()
    assert len(built) == 4
