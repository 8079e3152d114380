"""Amounts in the national currency: an item invoiced in dollars is valued against a won
history at the customs rate of its lodging day, its figures named in the decision; an item
with no rate is not valued, and the decision says so; revenue counts the converted value."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from portcullis.engine.model.training import TrainingSettings
from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring import registry
from portcullis.web.scoring.live import forget
from portcullis.web.scoring.training import train_from_history
from portcullis.web.usecases import reference
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declaration_page import PAGE_RELATIONS, declaration_page
from tests.builders import declaration
from tests.web.acting import active_profile, lodge, record

pytestmark = pytest.mark.django_db

RATES = "currency,rate,valid_from\nUSD,1100,2020-01-01\n"  # 1 USD = 1,100 KRW


def coffee(declaration_id: str, value: str, currency: str = "KRW", **header: object) -> dict:
    """60 kg of roasted coffee from Brazil, lodged in January 2020."""
    item = {
        "line_no": 1, "hs_code": "0901.21", "description": "Roasted coffee beans",
        "origin_country": "BR", "net_mass_kg": "60", "customs_value": value,
        "currency": currency, "tax_rate": "8",
    }  # fmt: skip
    return declaration(
        declaration_id, lodged_at="2020-01-20T10:00:00+09:00", items=[item], **header
    )


@pytest.fixture
def coffee_world(settings, tmp_path, kcs_slice, run_import, users):
    """KCS history plus 30 coffee imports at about 10,000 KRW per kg, a model trained on
    it, the dollar's rate loaded and a profile selecting what is priced below a third."""
    settings.PORTCULLIS_NATIONAL_CURRENCY = "KRW"
    settings.PORTCULLIS_MODELS_DIR = tmp_path / "models"
    registry.load.cache_clear()
    run_import(kcs_slice[0])
    history = [
        {**coffee(f"COF-{k}", str(600_000 + 1_000 * (k % 7 - 3))), "outcome": {"finding": False}}
        for k in range(30)
    ]
    path = tmp_path / "coffee.json"
    path.write_text(json.dumps(history), encoding="utf-8")
    run_import(path, fmt="json")
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES, encoding="utf-8")
    reference.load_rates(Actor.system(), rates)
    train_from_history(None, activate=True, settings=TrainingSettings(max_rounds=30))
    active_profile(
        users["analyst"], users["supervisor"], "Cheap goods",
        criteria="value_ratio < 0.3", mandatory=True, channel="yellow",
    )  # fmt: skip
    forget()


def test_a_dollar_coffee_at_a_fifth_of_the_reference_is_flagged_with_its_figures(coffee_world):
    # 109.09 USD x 1,100 = 120,000 KRW for 60 kg: 2,000 KRW per kg against about 10,000.
    (sent,) = lodge(coffee("USD-1", "109.09", "USD"))
    decision = sent.decision
    assert decision.channel == "yellow"
    (inputs,) = decision.inputs
    assert inputs["rate_applied"] == 1100.0
    assert inputs["value_ratio"] == pytest.approx(0.2, abs=0.01)
    assert inputs["valuation_basis"] == "hs6_origin"
    (note,) = decision.notes
    assert note.startswith("item 1: declared at 2,000 KRW per kg, 20% of the reference 10,000")
    assert "(invoiced 109.09 USD at 1,100 KRW per USD)" in note
    # The same goods at the full price in dollars are not cheap.
    (fair,) = lodge(coffee("USD-2", "545.45", "USD"))
    assert fair.decision.inputs[0]["value_ratio"] == pytest.approx(1.0, abs=0.02)
    assert not fair.decision.notes


def test_an_item_with_no_rate_is_not_valued_and_the_decision_says_why(coffee_world):
    (sent,) = lodge(coffee("EUR-1", "90", "EUR"))
    decision = sent.decision
    assert decision.inputs[0]["value_ratio"] is None
    assert decision.inputs[0]["rate_applied"] is None
    assert decision.notes == [
        "item 1: no exchange rate for EUR on 2020-01-20, so it is not valued against the "
        "reference prices and no value threshold applies to it"
    ]


def test_revenue_counts_the_value_in_the_national_currency(coffee_world, users):
    (sent,) = lodge(coffee("USD-3", "109.09", "USD"))
    found = record(sent.decision.declaration, {"finding": True, "finding_type": "undervaluation"})
    # 8 % of 120,000 KRW (109.09 x 1,100 = 119,999.00).
    assert found.revenue == Decimal("9599.92")
    assert Inspection.objects.get(pk=found.pk).revenue_basis == "expected_duty"


def _summary(declaration_id: str) -> list[str]:
    declaration = Declaration.objects.select_related(*PAGE_RELATIONS).get(
        declaration_id=declaration_id
    )
    page = declaration_page(declaration, Actor.system().reach)
    assert page.summary is not None
    return page.summary.facts


def test_the_officer_reads_the_cheap_item_against_what_its_line_usually_declares(coffee_world):
    lodge(coffee("USD-4", "109.09", "USD"))
    (fact,) = [f for f in _summary("USD-4") if f.startswith("Item 1")]
    assert fact.startswith("Item 1 (090121 from BR) is declared at 2,000 KRW per kg; ")
    # The middle half of the reference's unit values, around its median.
    assert re.search(r"usually declares [\d,]+–[\d,]+ KRW per kg \(reference 10,\d{3}\)", fact)
    lodge(coffee("EUR-2", "90", "EUR"))
    assert (
        "Item 1 could not be valued: no exchange rate for EUR on the lodging day, so no "
        "reference price or value threshold applied to it." in _summary("EUR-2")
    )
