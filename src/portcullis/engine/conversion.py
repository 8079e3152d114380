"""Values in the national currency: every item's invoiced amount at the exchange rate in force
on the day its declaration was lodged.

Valuation references, profile thresholds, declaration totals and revenue all compare amounts,
so they need one currency. The item frame keeps what was declared (``invoice_value`` in
``currency``) and carries ``customs_value`` in the national currency with the ``rate_applied``;
an item whose currency has no rate on that day gets a null ``customs_value`` (no valuation
figure, no threshold met) and the decision says why (``missing_rates``).

The lodging day is the UTC calendar day of ``lodged_at``, as the rates are published per day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.items import SMALL_FRAME
from portcullis.engine.rates import Rate

_EPOCH = date(1970, 1, 1)
_OPEN_END = np.iinfo(np.int64).max
_CENT = Decimal("0.01")


def _day_number(day: date) -> int:
    return (day - _EPOCH).days


@dataclass(frozen=True)
class _Series:
    """One currency's rates, in force from ``starts[i]`` until ``ends[i]`` (day numbers)."""

    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    rates: npt.NDArray[np.float64]
    start_list: list[int] = field(repr=False)
    decimals: list[Decimal] = field(repr=False)  # the same rates, exact, for stored money

    def at(self, days: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        index = np.searchsorted(self.starts, days, side="right") - 1
        found = index >= 0
        safe = np.where(found, index, 0)
        found &= days < self.ends[safe]
        return np.where(found, self.rates[safe], np.nan)

    def index_at(self, day: int) -> int | None:
        index = bisect_right(self.start_list, day) - 1
        if index < 0 or day >= self.ends[index]:
            return None
        return index

    def at_day(self, day: int) -> float | None:
        index = self.index_at(day)
        return None if index is None else float(self.rates[index])


class RateBook:
    """Exchange rates to one national currency, looked up by currency and day. Where two
    rates start the same day (two sources), the one given last wins."""

    def __init__(self, national: str, rates: Iterable[Rate]) -> None:
        self.national = national
        by_currency: dict[str, dict[int, tuple[int, Decimal]]] = {}
        for rate in rates:
            end = _OPEN_END if rate.valid_to is None else _day_number(rate.valid_to)
            days = by_currency.setdefault(rate.currency, {})
            days[_day_number(rate.valid_from)] = (end, rate.rate)
        self._series: dict[str, _Series] = {}
        for currency, days in by_currency.items():
            starts = sorted(days)
            self._series[currency] = _Series(
                np.asarray(starts, dtype=np.int64),
                np.asarray([days[s][0] for s in starts], dtype=np.int64),
                np.asarray([float(days[s][1]) for s in starts], dtype=np.float64),
                starts,
                [days[s][1] for s in starts],
            )

    @property
    def currencies(self) -> list[str]:
        return sorted(self._series)

    def rate(self, currency: str, day: date) -> float | None:
        """The rate of ``currency`` on ``day`` (1 for the national currency), or None."""
        if currency == self.national:
            return 1.0
        series = self._series.get(currency)
        return None if series is None else series.at_day(_day_number(day))

    def exact_rate(self, currency: str, day: date) -> Decimal | None:
        if currency == self.national:
            return Decimal(1)
        series = self._series.get(currency)
        index = None if series is None else series.index_at(_day_number(day))
        return None if series is None or index is None else series.decimals[index]

    def national_amount(self, amount: Decimal, currency: str, day: date) -> Decimal | None:
        """``amount`` in the national currency, to the cent (None: no rate that day)."""
        rate = self.exact_rate(currency, day)
        if rate is None:
            return None
        return (amount * rate).quantize(_CENT, rounding=ROUND_HALF_EVEN)

    def rates(self, currencies: pl.Series, days: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Each item's rate (NaN: none) from its currency and lodging day number."""
        out = np.full(len(currencies), np.nan)
        if len(currencies) <= SMALL_FRAME:
            for position, currency in enumerate(currencies.to_list()):
                if currency == self.national:
                    out[position] = 1.0
                elif currency is not None and (series := self._series.get(currency)):
                    found = series.at_day(int(days[position]))
                    out[position] = np.nan if found is None else found
            return out
        # One comparison per currency present (a handful), not per currency in the book.
        for currency in currencies.drop_nulls().unique().to_list():
            rows = np.flatnonzero((currencies == currency).to_numpy())
            if currency == self.national:
                out[rows] = 1.0
            elif (series := self._series.get(currency)) is not None:
                out[rows] = series.at(days[rows])
        return out


def lodging_day_numbers(lodged_at: pl.Series) -> npt.NDArray[np.int64]:
    """Day numbers (days since 1970-01-01, UTC) of the lodging instants."""
    if len(lodged_at) <= SMALL_FRAME:
        return np.asarray(
            [_day_number(lodging_day(moment)) for moment in lodged_at.to_list()], dtype=np.int64
        )
    return lodged_at.dt.epoch("d").to_numpy().astype(np.int64)


def lodging_day(moment: datetime) -> date:
    """The day whose rate applies to a declaration lodged at ``moment`` (its UTC day)."""
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def to_national(items: pl.DataFrame, book: RateBook | None) -> pl.DataFrame:
    """``items`` with ``customs_value`` and ``rate_applied`` from ``invoice_value`` at each
    item's rate. Without a book the frame is taken as it is: converted already, or in one
    currency (as the KCS files are; a missing ``rate_applied`` is then 1). The same frame
    converted twice is converted once."""
    if book is None:
        if items.get_column("rate_applied").null_count() == 0:
            return items
        return items.with_columns(pl.col("rate_applied").fill_null(1.0))
    rate = book.rates(
        items.get_column("currency"), lodging_day_numbers(items.get_column("lodged_at"))
    )
    return _converted(items, rate)


def at_rates(items: pl.DataFrame, rates: pl.Series) -> pl.DataFrame:
    """``items`` converted at given rates, one per row (a replay: the rates stored then)."""
    return _converted(items, rates.cast(pl.Float64).to_numpy().astype(np.float64))


def _converted(items: pl.DataFrame, rate: npt.NDArray[np.float64]) -> pl.DataFrame:
    invoice = items.get_column("invoice_value")
    values = invoice.to_numpy().astype(np.float64, copy=False) * rate
    return items.with_columns(
        pl.Series("customs_value", values, dtype=pl.Float64, nan_to_null=True),
        pl.Series("rate_applied", rate, dtype=pl.Float64, nan_to_null=True),
    )


def missing_rates(items: pl.DataFrame) -> dict[str, list[str]]:
    """Per declaration, in words, each item that could not be converted: the decision's note
    of why the item has no valuation figure."""
    if items.get_column("rate_applied").null_count() == 0:
        return {}
    lacking = items.filter(pl.col("rate_applied").is_null() & pl.col("invoice_value").is_not_null())
    notes: dict[str, list[str]] = {}
    for declaration_id, line_no, currency, lodged_at in lacking.select(
        "declaration_id", "line_no", "currency", "lodged_at"
    ).iter_rows():
        day = lodging_day(lodged_at).isoformat() if lodged_at else "its lodging day"
        notes.setdefault(declaration_id, []).append(
            f"item {line_no}: no exchange rate for {currency} on {day}, so it is not valued "
            "against the reference prices and no value threshold applies to it"
        )
    return notes
