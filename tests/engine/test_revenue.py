"""What a finding is worth: additional duties where assessed, else the declaration's
expected duty; the Decimal rule (what is stored) and the frame expression agree."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from portcullis.engine.items import item_frame
from portcullis.engine.revenue import (
    RevenueBasis,
    declaration_expected_duty,
    expected_duty,
    finding_revenue,
    revenue_expr,
)
from portcullis.engine.schema import Declaration
from tests.builders import declaration


def test_an_item_s_expected_duty_is_its_declared_duty_else_its_rate_on_its_value():
    assert expected_duty(Decimal("1000.00"), Decimal("8.000"), Decimal("75.00")) == Decimal("75.00")
    assert expected_duty(Decimal("1234.56"), Decimal("8.000"), None) == Decimal("98.76")
    assert expected_duty(Decimal("0.25"), Decimal("50.000"), None) == Decimal("0.12")  # half-even
    assert expected_duty(Decimal("1000.00"), None, None) is None


def test_a_finding_is_worth_its_assessed_duties_else_the_expected_duty():
    assert finding_revenue(False, Decimal("10"), Decimal("5")) == (None, None)
    assert finding_revenue(True, Decimal("10"), Decimal("5")) == (
        Decimal("10"),
        RevenueBasis.ASSESSED,
    )
    assert finding_revenue(True, None, Decimal("5")) == (Decimal("5"), RevenueBasis.EXPECTED_DUTY)
    assert finding_revenue(True, None, None) == (None, None)


_money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
_rate = st.none() | st.decimals(min_value=0, max_value=100, places=3, allow_nan=False)
_item = st.tuples(_money, _rate, st.none() | _money)
_outcome = st.none() | st.tuples(st.booleans(), st.none() | _money)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.lists(_item, min_size=1, max_size=4), _outcome), min_size=1, max_size=6)
)
def test_the_frame_expression_gives_what_the_stored_rule_gives(declarations):
    built, expected = [], []
    for number, (items, outcome) in enumerate(declarations):
        raw = declaration(f"R-{number}")
        raw["items"] = [
            {**raw["items"][0], "customs_value": str(v), "tax_rate": r and str(r),
             "duty": d and str(d), "line_no": n}
            for n, (v, r, d) in enumerate(items, start=1)
        ]  # fmt: skip
        if outcome is not None:
            raw["outcome"] = {"finding": outcome[0]}
            if outcome[0] and outcome[1] is not None:
                raw["outcome"]["additional_duties"] = str(outcome[1])
        made = Declaration.model_validate(raw)
        built.append(made)
        duty = declaration_expected_duty(
            (item.customs_value, item.tax_rate, item.duty) for item in made.items
        )
        found = made.outcome is not None and made.outcome.finding
        amount, _ = finding_revenue(found, made.outcome and made.outcome.additional_duties, duty)
        expected.extend([amount] * len(made.items))
    frame = item_frame(built).with_columns(revenue_expr())
    got = frame.get_column("revenue").to_list()
    for stored, computed in zip(expected, got, strict=True):
        if stored is None:
            assert computed is None
        else:
            assert computed is not None
            assert abs(float(stored) - computed) <= 0.005 * len(frame) + 1e-6


def test_the_expression_needs_only_the_frame_s_columns():
    frame = item_frame([Declaration.model_validate(declaration("X", outcome={"finding": True}))])
    assert frame.with_columns(revenue_expr()).get_column("revenue").dtype == pl.Float64
