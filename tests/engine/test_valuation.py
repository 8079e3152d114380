"""Valuation: an item's unit value against the robust reference of its goods."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from portcullis.engine.conversion import RateBook, to_national
from portcullis.engine.features import Features
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import MAD_TO_SD, ReferencePrices, ValuationSettings
from portcullis.engine.rates import Rate
from tests.engine.risk import frame, item


def priced(prices: ReferencePrices, *rows: dict) -> list[dict]:
    items = add_derived(frame(*rows))
    features = Features(items, prices.fields(items))
    columns = {name: features.series(name).to_list() for name in features.columns}
    return [{name: values[row] for name, values in columns.items()} for row in range(items.height)]


# Ten CN cars at 10 USD/kg with some spread, five DE cars at 40 USD/kg, one lonely US car.
HISTORY = [
    *(
        item(f"C{i}", customs_value=1000.0 * (10 + d), net_mass_kg=1000.0, origin_country="CN")
        for i, d in enumerate([-2, -1, -1, 0, 0, 0, 1, 1, 2, 3])
    ),
    *(
        item(f"D{i}", customs_value=40000.0, net_mass_kg=1000.0, origin_country="DE")
        for i in range(5)
    ),
    item("U1", customs_value=99000.0, net_mass_kg=1000.0, origin_country="US"),
    *(item(f"T{i}", hs_code="870421", customs_value=5000.0, net_mass_kg=1000.0) for i in range(5)),
]
PRICES = ReferencePrices.fit(add_derived(frame(*HISTORY)), ValuationSettings(min_items=5))


def test_the_reference_is_the_median_for_the_goods_and_origin() -> None:
    [row] = priced(PRICES, item("N", customs_value=2000.0, net_mass_kg=1000.0, origin_country="CN"))
    assert row["valuation_basis"] == "hs6_origin"
    assert row["ref_unit_value"] == pytest.approx(10.0)
    assert row["value_ratio"] == pytest.approx(0.2)
    logs = [math.log(10 + d) for d in [-2, -1, -1, 0, 0, 0, 1, 1, 2, 3]]
    mad = sorted(abs(v - math.log(10)) for v in logs)[4:6]
    spread = max(sum(mad) / 2 * MAD_TO_SD, 0.05)
    assert row["valuation_z"] == pytest.approx((math.log(2) - math.log(10)) / spread)
    assert row["valuation_z"] < -3


def test_with_too_few_items_for_an_origin_the_goods_stand_in() -> None:
    [us, heading] = priced(
        PRICES,
        item("N", origin_country="US", customs_value=10000.0, net_mass_kg=1000.0),
        item("M", hs_code="870390", origin_country="JP", customs_value=10000.0, net_mass_kg=1000.0),
    )
    assert us["valuation_basis"] == "hs6"  # the lonely US car is not a reference of its own
    assert heading["valuation_basis"] == "hs4"  # no 870390 at all: heading 8703


def test_no_reference_and_no_mass_give_no_figures() -> None:
    [unknown, weightless] = priced(
        PRICES,
        item("N", hs_code="010121", customs_value=1.0),
        item("M", net_mass_kg=0.0, customs_value=1.0),
    )
    assert unknown["valuation_basis"] is None
    assert unknown["value_ratio"] is None
    assert weightless["value_ratio"] is None
    assert weightless["valuation_z"] is None


def test_an_item_in_another_currency_is_valued_at_the_customs_rate() -> None:
    # 2,000 EUR for a tonne of CN cars, history in USD at about 10 USD/kg: at 1.25 USD per
    # euro that is 2.5 USD/kg, a quarter of the reference.
    book = RateBook("USD", [Rate("EUR", date(2019, 1, 1), None, Decimal("1.25"), "TEST")])
    euro = item("N", currency="EUR", customs_value=2000.0, net_mass_kg=1000.0)
    converted = to_national(frame(euro), book).to_dicts()[0]
    assert converted["customs_value"] == pytest.approx(2500.0)
    assert converted["invoice_value"] == pytest.approx(2000.0)
    [row] = priced(PRICES, converted)
    assert row["value_ratio"] == pytest.approx(0.25)
    assert row["valuation_basis"] == "hs6_origin"


def test_an_item_with_no_rate_gets_no_valuation_figure() -> None:
    book = RateBook("USD", [])
    converted = to_national(frame(item("N", currency="EUR")), book).to_dicts()[0]
    assert converted["customs_value"] is None
    [row] = priced(PRICES, converted)
    assert row["value_ratio"] is None
    assert row["valuation_basis"] is None


def test_references_survive_a_round_trip_through_frames() -> None:
    again = ReferencePrices.from_frames(PRICES.to_frames())
    probe = item("N", customs_value=2000.0, net_mass_kg=1000.0, origin_country="CN")
    assert priced(again, probe) == priced(PRICES, probe)


def test_a_national_tariff_line_with_enough_history_is_its_own_reference() -> None:
    # Electric cars (8703 80 10 10 here) at 30 USD/kg among CN cars at about 10: the
    # national line knows them apart, the HS6 does not.
    national = [
        item(f"E{i}", hs_code="8703231010", customs_value=30000.0, net_mass_kg=1000.0)
        for i in range(5)
    ]
    prices = ReferencePrices.fit(add_derived(frame(*HISTORY, *national)), ValuationSettings(5))
    [line, other_line, plain] = priced(
        prices,
        item("N1", hs_code="8703231010", customs_value=6000.0, net_mass_kg=1000.0),
        item("N2", hs_code="8703231090", customs_value=6000.0, net_mass_kg=1000.0),
        item("N3", hs_code="870323", customs_value=6000.0, net_mass_kg=1000.0),
    )
    assert line["valuation_basis"] == "national_origin"
    assert line["ref_unit_value"] == pytest.approx(30.0)
    assert line["value_ratio"] == pytest.approx(0.2)  # a fifth of its own line's price
    assert other_line["valuation_basis"] == "hs6_origin"  # a line without history: its HS6
    assert plain["valuation_basis"] == "hs6_origin"
