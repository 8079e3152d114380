"""The real world's variety on a synthetic flow: invoices in several currencies at the
rates of a book (so the national values are what the engine converts them to), national
tariff lines priced apart, declared exchange rates, declared duties.

Applied after the flow is drawn, from a random stream of its own, so that the flow and its
planted fraud are the same with or without it; one more pattern is planted: some of the
declarations found undervalued also declare an exchange rate well below the customs rate.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from portcullis.engine.conversion import RateBook, lodging_day_numbers

# Invoice currencies and their shares; the national currency takes what is left.
CURRENCIES = (("USD", 0.5), ("EUR", 0.2), ("CNY", 0.1), ("JPY", 0.05), ("GBP", 0.05))
_BASE_EUR_RATE = 0.92  # the flow's own euro amounts, per dollar
# National subdivisions (10 digits, as HSK or the US HTS have them) of some subheadings, and
# how their prices differ from the subheading's.
_LINES = (("1000", 0.6), ("2000", 1.0), ("9000", 1.7))
_SUBDIVIDED_SHARE = 0.4
_DECLARES_RATE = 0.8  # of foreign-currency declarations
_LOW_RATE_SHARE = 0.5  # of those found undervalued, declaring 80-90 % of the customs rate


def _subdivided(codes: list[str]) -> set[str]:
    """Subheadings with national lines: fixed by the code, whatever the flow."""
    return {
        code for code in set(codes) if (int(code) * 2654435761) % 1000 < _SUBDIVIDED_SHARE * 1000
    }


def vary(frame: pl.DataFrame, book: RateBook, seed: int) -> pl.DataFrame:
    """``frame`` (an item frame as ``generate`` draws it, in dollars and euros) with its
    amounts as invoiced in several currencies, national lines, declared rates and duties."""
    rng = np.random.default_rng([seed, 0x5EED])
    ids = frame.get_column("declaration_id")
    first = np.flatnonzero(ids.ne_missing(ids.shift(1)).fill_null(True).to_numpy())
    n_decl, height = len(first), frame.height
    owner = np.repeat(np.arange(n_decl), np.diff(np.append(first, height)))
    days = lodging_day_numbers(frame.get_column("lodged_at").gather(first))

    names = [c for c, _ in CURRENCIES] + [book.national]
    shares = [s for _, s in CURRENCIES] + [1 - sum(s for _, s in CURRENCIES)]
    currency = np.asarray(names, dtype=object)[rng.choice(len(names), n_decl, p=shares)]
    rate = book.rates(pl.Series(currency.tolist(), dtype=pl.String), days)
    dollar = book.rates(pl.Series(["USD"] * n_decl, dtype=pl.String), days)
    lacking = np.isnan(rate) | np.isnan(dollar)
    currency[lacking], rate[lacking] = book.national, 1.0
    dollar = np.where(np.isnan(dollar), 1.0, dollar)

    base = frame.get_column("invoice_value").to_numpy()
    in_euros = frame.get_column("currency").to_numpy() == "EUR"
    dollars = np.where(in_euros, base / _BASE_EUR_RATE, base)

    codes = frame.get_column("hs_code").to_list()
    subdivided = _subdivided(codes)
    line_pick = rng.integers(0, len(_LINES), height)
    suffix = np.array([s for s, _ in _LINES], dtype=object)[line_pick]
    factor = np.array([f for _, f in _LINES])[line_pick]
    has_line = np.array([code in subdivided for code in codes])
    factor = np.where(has_line, factor, 1.0)
    hs_code = [
        c + str(s) if lined else c for c, s, lined in zip(codes, suffix, has_line, strict=True)
    ]

    national = dollars * factor * dollar[owner]
    invoice = np.round(national / rate[owner], 2) + 0.01
    national = invoice * rate[owner]
    tax_rate = frame.get_column("tax_rate").fill_null(0).to_numpy()
    duty = np.round(national * tax_rate / 100, 2)

    undervalued = (
        (frame.get_column("finding_type").gather(first) == "undervaluation")
        .fill_null(False)
        .to_numpy()
    )
    foreign = currency != book.national
    declares = foreign & (rng.random(n_decl) < _DECLARES_RATE)
    declared = np.where(declares, rate, np.nan)
    low = declares & undervalued & (rng.random(n_decl) < _LOW_RATE_SHARE)
    declared = np.where(low, rate * rng.uniform(0.8, 0.9, n_decl), declared)

    duties = frame.get_column("additional_duties").to_numpy() * dollar[owner]
    return frame.with_columns(
        pl.Series("hs_code", hs_code, dtype=pl.String),
        pl.Series("currency", currency[owner].tolist(), dtype=pl.String),
        pl.Series("invoice_value", invoice),
        pl.Series("customs_value", invoice),
        pl.Series("duty", duty),
        pl.Series("declared_rate", np.round(declared, 6)[owner], nan_to_null=True),
        pl.Series("additional_duties", np.round(duties, 2), nan_to_null=True),
    )
