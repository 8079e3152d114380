"""The columnar copy of the history: equal to the database's own reading after every kind
of change the services make, brought up to date by adding what is new, rebuilt when
something was amended or taken away."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import polars as pl
import pytest
from django.db.models import Max, Min

from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring import history_copy
from portcullis.web.scoring.backtesting import backtest_profiles, draft
from portcullis.web.scoring.history import national, stored_items
from portcullis.web.scoring.history_copy import history_frame
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import amend, authorise_amendment
from tests.builders import declaration
from tests.web.acting import SYSTEM, active_profile, lodge, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_on(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.PORTCULLIS_HISTORY_COPY = True


def _same_as_the_database() -> None:
    copy = history_frame()
    assert national(copy).equals(stored_items()), "the copy differs from the database"


def _how(caplog) -> str:  # type: ignore[no-untyped-def]
    return " ".join(r.getMessage() for r in caplog.records if "history copy" in r.getMessage())


def test_the_copy_follows_every_change(copy_on, trained, run_import, kcs_slice, users, caplog):
    caplog.set_level(logging.INFO, logger=history_copy.__name__)
    assert (history_copy.folder() / "items.parquet").exists()  # training made it

    caplog.clear()
    _same_as_the_database()  # nothing changed: read as kept
    assert _how(caplog) == ""

    caplog.clear()
    run_import(kcs_slice[1])  # new declarations, with their outcomes
    _same_as_the_database()
    assert "added or changed" in _how(caplog)

    caplog.clear()
    active_profile(
        users["analyst"], users["supervisor"], "Cars from China", criteria='hs_code == "870323"',
        mandatory=True, channel="red", rationale="so that the declaration below is selected",
    )  # fmt: skip
    lodge(declaration("COPY-1", office="30"))
    _same_as_the_database()
    assert "added or changed" in _how(caplog)

    caplog.clear()
    amended = declaration("COPY-1", office="30")
    amended["items"][0]["customs_value"] = "999"
    # Selected red, so under control: a supervisor lets the declarant amend it.
    authorise_amendment(Actor.person(users["supervisor"]), "COPY-1", "the invoice was corrected")
    amend(SYSTEM, "COPY-1", amended)  # a new version of its content
    waiting = Declaration.objects.get(declaration_id="COPY-1")
    assert waiting.version == 2
    _same_as_the_database()
    assert "rebuilt" in _how(caplog)

    caplog.clear()
    record(
        waiting,
        {"finding": True, "finding_type": "undervaluation", "additional_duties": Decimal(90)},
    )
    _same_as_the_database()  # an outcome on a declaration the copy holds
    assert "added or changed" in _how(caplog)

    caplog.clear()
    Inspection.objects.filter(declaration=waiting).delete()  # an outcome taken away
    _same_as_the_database()
    assert "rebuilt" in _how(caplog)


def test_a_damaged_copy_is_rebuilt(copy_on, trained):
    history_frame()
    (history_copy.folder() / "items.parquet").write_bytes(b"not parquet")
    _same_as_the_database()


def test_a_backtest_reads_the_copy(copy_on, trained):
    span = Declaration.objects.aggregate(first=Min("lodged_at"), last=Max("lodged_at"))
    start, end = span["first"] + timedelta(days=7), span["last"] + timedelta(seconds=1)
    with_copy = backtest_profiles(draft('origin_country == "CN"'), start, end)
    assert (history_copy.folder() / "items.parquet").exists()
    chinese = Declaration.objects.filter(
        lodged_at__gte=start, lodged_at__lt=end, items__origin_country="CN"
    ).distinct()
    assert with_copy.total.hits == chinese.count() > 0
    assert pl.read_parquet(history_copy.folder() / "items.parquet").height > 0
