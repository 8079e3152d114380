"""`portcullis import` of the 70 WCO samples in ../shared into the database (SQLite, and
PostgreSQL in the second run): stored with their items, what was filled in kept and shown."""

from __future__ import annotations

import pytest

from portcullis.web.declarations.models import Declaration, ImportBatch, Item
from portcullis.web.declarations.stored import stored_declaration
from tests.builders import WCO_SAMPLES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not WCO_SAMPLES.is_dir(), reason="../shared is not beside the checkout"),
]


def test_the_samples_are_stored_with_their_items_and_each_refusal_is_named(run_import, settings):
    settings.PORTCULLIS_DEFAULT_OFFICE = "GBLHR"
    imported = run_import(WCO_SAMPLES, "wco")
    batch = imported.batch
    assert (batch.status, batch.records, batch.stored, batch.rejected) == (
        ImportBatch.Status.COMPLETED, 70, 60, 10
    )  # fmt: skip
    assert len(imported.lines) == 10
    assert all("(DE " in line for line in imported.lines)
    assert Item.objects.count() == 67  # every goods item of the 60
    cocoa = Declaration.objects.get(declaration_id="7849431OU9IZ")
    assert cocoa.office.code == "GBBEL004"
    assert cocoa.filled_in == {}
    assert cocoa.items.get().hs_code == "1804000000"
    filled = Declaration.objects.get(declaration_id="TT_IM01b_v1.7_220322_1")
    assert filled.office.code == "GBLHR"
    assert set(filled.filled_in) == {"lodged_at", "office"}
    assert stored_declaration(filled.pk).filled_in == filled.filled_in


def test_importing_the_samples_again_adds_nothing(run_import):
    run_import(WCO_SAMPLES, "wco")
    again = run_import(WCO_SAMPLES, "wco").batch
    assert (again.stored, again.unchanged, again.conflicts) == (0, 60, 0)
