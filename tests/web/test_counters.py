"""Figures kept by adding differences: many rows changed at once (an import) add up as a
few do."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from portcullis.web.counters import Change, Counted, apply_changes
from portcullis.web.traders.models import Trader

pytestmark = pytest.mark.django_db


def test_thousands_of_changes_add_up_as_one_does():
    Trader.objects.bulk_create(
        Trader(role="importer", code=f"IMP-{n}", inspected=1, findings=1, revenue=Decimal("2.50"))
        for n in range(1_500)
    )
    traders = list(Trader.objects.order_by("pk").values_list("pk", flat=True))
    lodged = datetime(2026, 1, 1, tzinfo=UTC)
    changes: dict[int, Change] = {}
    for number, pk in enumerate(traders):
        change = changes[pk] = Change()
        change.add(
            Counted(number % 3 == 0, Decimal("10.25") if number % 3 == 0 else Decimal(0), lodged)
        )
        if number % 5 == 0:
            change.add(Counted(False, Decimal(0), lodged))
    apply_changes(Trader, changes, lambda pks: {})
    figures = {
        pk: (inspected, findings, revenue)
        for pk, inspected, findings, revenue in Trader.objects.values_list(
            "pk", "inspected", "findings", "revenue"
        )
    }
    for number, pk in enumerate(traders):
        found = number % 3 == 0
        assert figures[pk] == (
            1 + 1 + (number % 5 == 0),
            1 + found,
            Decimal("12.75") if found else Decimal("2.50"),
        ), number
    assert Trader.objects.filter(last_finding_lodged_at=lodged).count() == 500
