"""Revenue at stake stored with each result, by one rule (engine.revenue): assessed duties
where the officer recorded them, else the declaration's expected duty (the KCS data carry a
tax rate, never an amount); the figures on the pages count it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from portcullis.web.declarations.reach import Reach
from portcullis.web.inspections.models import Inspection
from portcullis.web.monitoring.dashboard import dashboard
from portcullis.web.periods import default_period
from portcullis.web.usecases import inspections
from portcullis.web.usecases.actor import Actor
from tests.builders import declaration
from tests.web.acting import cars_sent_red, lodge, record

pytestmark = pytest.mark.django_db


def test_imported_findings_are_worth_their_expected_duty(kcs_slice, run_import):
    run_import(kcs_slice[0])
    found = Inspection.objects.filter(finding=True).select_related("declaration")
    assert found.exists()
    for inspection in found[:50]:
        item = inspection.declaration.items.get()
        expected = (item.customs_value * item.tax_rate / 100).quantize(Decimal("0.01"))
        assert (inspection.revenue, inspection.revenue_basis) == (expected, "expected_duty")
    assert not Inspection.objects.filter(finding=False, revenue__isnull=False).exists()


def test_a_recorded_result_is_worth_its_assessed_duties_and_a_correction_follows(
    trained, users, settings
):
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    cars_sent_red(users)
    (sent,) = lodge(declaration("REV-1"))  # 15,000 at 8 %: 1,200 expected
    found = record(sent.decision.declaration, {"finding": True, "finding_type": "other"})
    assert (found.revenue, found.revenue_basis) == (Decimal("1200.00"), "expected_duty")
    day = timezone.localtime(sent.decision.declaration.lodged_at).date()
    period = default_period(day)  # the 30 days up to its lodging day
    assert dashboard(Reach(), period).revenue == Decimal("1200.00")  # no longer 0 without duties
    corrected = inspections.correct_outcome(
        Actor.system(), "REV-1",
        {"finding": True, "finding_type": "undervaluation", "additional_duties": "3100"},
        "duties assessed after the valuation check",
    )  # fmt: skip
    assert (corrected.revenue, corrected.revenue_basis) == (Decimal("3100.00"), "assessed")
    compliant = inspections.correct_outcome(
        Actor.system(), "REV-1", {"finding": False}, "the valuation was right after all"
    )
    assert (compliant.revenue, compliant.revenue_basis) == (None, "")
