"""Exchange rates as reference data: the ECB's daily rates shipped with the product, or an
administration's CSV; kept as loaded, never written over, and the rate in force on a day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portcullis.web.errors import Invalid
from portcullis.web.reference.models import ExchangeRate
from portcullis.web.reference.rates import rate_book, rate_in_force
from portcullis.web.usecases import reference
from portcullis.web.usecases.actor import Actor

pytestmark = pytest.mark.django_db


def test_the_shipped_ecb_rates_load_once_and_cross_through_the_euro(settings):
    settings.PORTCULLIS_NATIONAL_CURRENCY = "KRW"
    first = reference.load_rates(Actor.system())
    assert first.stored > 150_000
    again = reference.load_rates(Actor.system())
    assert (again.stored, again.unchanged, again.conflicts) == (0, first.stored, [])
    # 2021-03-02: 1 EUR = 1.2028 USD = 1354.37 KRW (ECB), so 1 USD = 1126.0143 KRW.
    usd = rate_in_force("USD", date(2021, 3, 2), "KRW")
    assert usd is not None
    assert usd.source == "ECB"
    assert abs(usd.rate - Decimal("1354.37") / Decimal("1.2028")) < Decimal("0.0001")
    # A Saturday keeps Friday's rate.
    assert rate_in_force("USD", date(2021, 3, 6), "KRW").valid_from == date(2021, 3, 5)
    book = rate_book("KRW")
    assert book.national_amount(Decimal("66.00"), "USD", date(2021, 3, 2)) == Decimal("74316.94")
    assert book.national_amount(Decimal("5"), "KRW", date(2021, 3, 2)) == Decimal("5")
    assert rate_in_force("XDR", date(2021, 3, 2), "KRW") is None  # no such rate: None, said


def test_a_csv_of_rates_is_kept_beside_and_a_different_rate_is_a_conflict(settings, tmp_path):
    settings.PORTCULLIS_NATIONAL_CURRENCY = "GBP"
    rates = tmp_path / "hmrc-monthly.csv"
    rates.write_text(
        "currency,rate,valid_from,valid_to\nUSD,0.7912,2024-03-01,2024-04-01\n"
        "EUR,0.8534,2024-03-01,2024-04-01\n"
    )
    loaded = reference.load_rates(Actor.system(), rates)
    assert (loaded.stored, loaded.national) == (2, "GBP")
    assert rate_in_force("USD", date(2024, 3, 31), "GBP").rate == Decimal("0.7912")
    assert rate_in_force("USD", date(2024, 4, 1), "GBP") is None  # valid_to is exclusive
    rates.write_text("currency,rate,valid_from\nUSD,0.8,2024-03-01\n")
    changed = reference.load_rates(Actor.system(), rates)
    assert changed.stored == 0
    (line,) = changed.conflicts
    assert line.startswith("USD from 2024-03-01 (hmrc-monthly): 0.8000000000 GBP differs")
    assert ExchangeRate.objects.get(currency="USD").rate == Decimal("0.7912")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("currency,rate\nUSD,1\n", "the header lacks valid_from"),
        ("currency,rate,valid_from\nUSX,1,2024-01-01\n", "line 2: currency 'USX' is not"),
        ("currency,rate,valid_from\nUSD,-1,2024-01-01\n", "line 2: rate must be above 0"),
        ("currency,rate,valid_from\nUSD,1,01/02/2024\n", "valid_from '01/02/2024' is not"),
        ("currency,rate,valid_from\nUSD,abc,2024-01-01\n", "rate 'abc' is not a number"),
        ("currency,rate,valid_from\nGBP,1,2024-01-01\n", "the national currency, to itself"),
    ],
)
def test_a_bad_rates_file_is_refused_in_one_line_naming_the_row(settings, tmp_path, content, words):
    settings.PORTCULLIS_NATIONAL_CURRENCY = "GBP"
    path = tmp_path / "rates.csv"
    path.write_text(content)
    with pytest.raises(Invalid, match=words.replace("(", r"\(")):
        reference.load_rates(Actor.system(), path)
    assert not ExchangeRate.objects.exists()
