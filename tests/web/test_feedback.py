"""Outcomes feed back: recording one changes the stored figures of the declaration's traders
and of the profiles that hit it, in the same transaction, and concurrent officers lose no
update (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.reach import Reach
from portcullis.web.inspections.models import Inspection
from portcullis.web.monitoring.compliance import compliance
from portcullis.web.profiles.figures import recount_profile_figures
from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.profiles.statistics import needs_review
from portcullis.web.scoring import live
from portcullis.web.scoring.models import CurrentDecision
from portcullis.web.traders.figures import recount_trader_figures
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import amend, authorise_amendment
from portcullis.web.usecases.inspections import correct_outcome
from tests.builders import declaration
from tests.web.acting import COMPLIANT, active_profile, lodge, record

pytestmark = pytest.mark.django_db
FOUND = {"finding": True, "finding_type": "undervaluation", "additional_duties": Decimal(250)}


@pytest.fixture
def cars(trained, users, settings):
    """An active mandatory profile sending cars from China red, and a helper lodging cars
    by a fresh importer."""
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    live.forget()
    version = active_profile(
        users["analyst"],
        users["supervisor"],
        "Cars from China",
        criteria='hs_code == "870323" and origin_country == "CN"',
        mandatory=True,
        channel="red",
    )

    def cars_of(*ids: str, importer: str = "IMP-FEEDBACK") -> list:  # type: ignore[type-arg]
        results = lodge(*(declaration(i, importer=importer) for i in ids))
        assert {r.decision.channel for r in results} == {"red"}
        return [r.decision.declaration for r in results]

    yield version.profile, cars_of
    live.forget()


def _importer(code: str = "IMP-FEEDBACK") -> Trader:
    return Trader.objects.get(role="importer", code=code)


def test_an_outcome_updates_its_traders_and_the_profiles_that_hit_it(cars, users):
    profile, lodge = cars
    first, second = lodge("FB-1", "FB-2")
    profile.refresh_from_db()
    assert (profile.hits, profile.inspected, profile.findings) == (2, 0, 0)
    assert _importer().inspected == 0

    record(first, FOUND)
    record(second, COMPLIANT)

    importer = _importer()
    assert (importer.inspected, importer.findings, importer.revenue) == (2, 1, Decimal(250))
    assert importer.last_finding_lodged_at == first.lodged_at
    declarant = Trader.objects.get(role="declarant", code="DECL001")
    assert declarant.findings >= 1
    profile.refresh_from_db()
    assert (profile.hits, profile.inspected, profile.findings) == (2, 2, 1)
    assert profile.revenue == Decimal(250)
    assert profile.last_finding_lodged_at == first.lodged_at


def test_the_figures_and_the_outcome_are_one_transaction(cars, users):
    profile, lodge = cars
    (first,) = lodge("FB-ROLLBACK")

    def fail_after_recording() -> None:
        with transaction.atomic():
            record(first, FOUND)
            assert _importer().findings == 1  # seen inside the transaction
            raise RuntimeError("the request failed after recording")

    with pytest.raises(RuntimeError):
        fail_after_recording()
    assert not Inspection.objects.filter(declaration=first).exists()
    assert _importer().findings == 0
    profile.refresh_from_db()
    assert profile.inspected == 0


def test_stored_figures_equal_a_recount_from_scratch(cars, users):
    """What imports, assessments, recorded and corrected outcomes and amendments added up is
    what counting every outcome again gives."""
    _profile, lodge = cars
    rows = []
    for number, found in enumerate([True, False, True, True]):
        (row,) = lodge(f"FB-R{number}", importer=f"IMP-R{number % 2}")
        record(row, FOUND if found else COMPLIANT)
        rows.append(row)
    supervisor = Actor.person(users["supervisor"])
    # The latest finding taken back, and a compliant result turned into a finding.
    correct_outcome(supervisor, "FB-R3", COMPLIANT, "the duties were paid after all")
    correct_outcome(supervisor, "FB-R1", FOUND, "the laboratory report came back")
    # An inspected declaration amended to another importer, lodged a day later.
    authorise_amendment(supervisor, "FB-R0", "the importer was declared wrongly")
    moved = declaration("FB-R0", importer="IMP-R9", lodged_at="2021-02-04T10:15:00+09:00")
    amend(Actor.system(), "FB-R0", moved)
    assert _importer("IMP-R9").findings == 1
    assert _importer("IMP-R0").inspected == 1  # FB-R2 only

    fields = ["pk", "inspected", "findings", "revenue", "last_finding_lodged_at"]
    kept = list(Trader.objects.order_by("pk").values_list(*fields))
    assert sum(row[1] for row in kept) > 0  # the imported history's outcomes count too
    profile_fields = [
        "pk", "hits", "inspected", "findings", "revenue", "first_hit_lodged_at",
        "last_hit_lodged_at", "last_finding_lodged_at",
    ]  # fmt: skip
    kept_profiles = list(Profile.objects.order_by("pk").values_list(*profile_fields))

    with transaction.atomic():
        recount_trader_figures()
        recount_profile_figures()
    assert list(Trader.objects.order_by("pk").values_list(*fields)) == kept
    assert list(Profile.objects.order_by("pk").values_list(*profile_fields)) == kept_profiles


def test_a_finding_in_the_random_sample_counts_toward_the_compliance_estimate(cars, users):
    _, lodge = cars
    (row,) = lodge("FB-SAMPLE")
    CurrentDecision.objects.filter(declaration=row).update(sampled=True)
    day = timedelta(days=1)

    def whole():  # type: ignore[no-untyped-def]
        figures = compliance(Reach(), row.lodged_at - day, row.lodged_at + day, caught=0)
        return figures.whole, figures.pending

    before, pending = whole()
    assert pending == 1
    record(row, FOUND)
    after, pending = whole()
    assert pending == 0
    assert (after.sampled, after.findings) == (before.sampled + 1, before.findings + 1)
    assert after.revenue_gap is not None
    assert after.revenue_gap > 0


def test_a_profile_finding_nothing_for_the_review_period_is_flagged(cars, users):
    from portcullis.web.usecases.profiles import read_profile

    profile, lodge = cars
    (row,) = lodge("FB-QUIET")
    days = 90
    now = timezone.now()
    assert not needs_review(True, now, False, now + timedelta(days=days - 1), days)  # young
    assert needs_review(True, now, False, now + timedelta(days=days + 1), days)
    assert not needs_review(False, now, False, now + timedelta(days=days + 1), days)
    assert not needs_review(True, now, True, now + timedelta(days=days + 1), days)
    # Live long enough and nothing recorded lately: flagged; a finding recorded now clears it.
    ProfileVersion.objects.filter(profile=profile).update(approved_at=now - timedelta(days=200))
    assert read_profile(Actor.system(), profile.code).statistics.needs_review
    record(row, FOUND)
    assert not read_profile(Actor.system(), profile.code).statistics.needs_review


@pytest.mark.django_db(transaction=True)
def test_concurrent_outcomes_for_one_trader_and_profile_lose_no_update(cars, users):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested on PostgreSQL (SQLite serialises them)")
    profile, lodge = cars
    rows = lodge(*(f"FB-C{n}" for n in range(6)))
    start = threading.Barrier(len(rows) + 1)  # six officers, and one recording twice
    errors: list[BaseException] = []

    def officer(row) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            record(row, FOUND)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(row,)) for row in [*rows, rows[0]]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [type(e).__name__ for e in errors] == ["Conflict"]  # the second of rows[0]
    assert Inspection.objects.filter(declaration__in=rows).count() == len(rows)
    importer = _importer()
    assert (importer.inspected, importer.findings) == (len(rows), len(rows))
    assert importer.revenue == Decimal(250) * len(rows)
    profile.refresh_from_db()
    assert (profile.inspected, profile.findings) == (len(rows), len(rows))


def test_a_declaration_lodged_later_without_an_outcome_does_not_make_profiles_stale(cars, users):
    # The review flag reads the calendar (when the profile went live, when results were
    # recorded): one declaration lodged a year later, not yet inspected, moves nothing.
    from portcullis.web.usecases.profiles import read_profile

    profile, lodge = cars
    (found,) = lodge("FB-FOUND")
    record(found, FOUND)
    ProfileVersion.objects.filter(profile=profile).update(
        approved_at=timezone.now() - timedelta(days=200)
    )
    assert not read_profile(Actor.system(), profile.code).statistics.needs_review
    (waiting,) = lodge("FB-LATER")
    year_later = found.lodged_at + timedelta(days=365)
    Declaration.objects.filter(pk=waiting.pk).update(lodged_at=year_later)
    assert not read_profile(Actor.system(), profile.code).statistics.needs_review
