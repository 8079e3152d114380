"""Amounts in the national currency: the rate in force on the lodging day, or none."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from portcullis.engine.conversion import RateBook, missing_rates, to_national
from portcullis.engine.items import SMALL_FRAME
from portcullis.engine.rates import Rate
from tests.engine.risk import frame, item

BOOK = RateBook(
    "KRW",
    [
        Rate("USD", date(2021, 3, 1), date(2021, 3, 2), Decimal("1120.5"), "ECB"),
        Rate("USD", date(2021, 3, 2), None, Decimal("1130"), "ECB"),
        Rate("EUR", date(2021, 3, 1), date(2021, 3, 5), Decimal("1350"), "ECB"),
    ],
)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("currency", "moment", "rate"),
    [
        ("USD", at("2021-03-01"), 1120.5),
        ("USD", at("2021-03-02", 0), 1130.0),  # the new rate from the start of its day
        ("USD", at("2030-01-01"), 1130.0),  # open-ended: until a later rate
        ("USD", at("2021-02-28", 23), None),  # before the first rate
        ("EUR", at("2021-03-04"), 1350.0),
        ("EUR", at("2021-03-05"), None),  # after valid_to, nothing
        ("KRW", at("1990-01-01"), 1.0),  # the national currency needs no rate
        ("JPY", at("2021-03-01"), None),
    ],
)
def test_the_rate_in_force_on_the_lodging_day(
    currency: str, moment: datetime, rate: float | None
) -> None:
    assert BOOK.rate(currency, moment.date()) == rate
    row = item("D1", currency=currency, lodged_at=moment, customs_value=10.0)
    converted = to_national(frame(row), BOOK).row(0, named=True)
    assert converted["rate_applied"] == rate
    assert converted["customs_value"] == (None if rate is None else pytest.approx(10.0 * rate))
    assert converted["invoice_value"] == 10.0


def test_batches_and_single_declarations_convert_alike() -> None:
    rows = [
        item(f"D{k}", currency=("USD", "EUR", "JPY", "KRW")[k % 4],
             lodged_at=at("2021-02-27") + timedelta(hours=7 * k), customs_value=float(k))
        for k in range(SMALL_FRAME * 2)
    ]  # fmt: skip
    batch = to_national(frame(*rows), BOOK)
    one_by_one = [to_national(frame(row), BOOK).row(0, named=True) for row in rows]
    assert batch.get_column("rate_applied").to_list() == [r["rate_applied"] for r in one_by_one]
    assert np.allclose(
        batch.get_column("customs_value").fill_null(-1).to_numpy(),
        [-1 if r["customs_value"] is None else r["customs_value"] for r in one_by_one],
    )


def test_converting_twice_is_converting_once() -> None:
    once = to_national(frame(item("D1", lodged_at=at("2021-03-03"))), BOOK)
    assert to_national(once, BOOK).equals(once)


def test_an_item_without_a_rate_is_named_in_the_decision_notes() -> None:
    rows = frame(
        item("D1", line_no=1, lodged_at=at("2021-03-03")),
        item("D1", line_no=2, currency="JPY", lodged_at=at("2021-03-03")),
    )
    notes = missing_rates(to_national(rows, BOOK))
    assert notes == {
        "D1": [
            "item 2: no exchange rate for JPY on 2021-03-03, so it is not valued against the "
            "reference prices and no value threshold applies to it"
        ]
    }
    assert missing_rates(to_national(frame(item("D2", currency="KRW")), BOOK)) == {}
