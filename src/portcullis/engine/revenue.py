"""What a finding is worth: the revenue every figure of Portcullis counts (the revenue model's
target, backtests, the dashboard, reports, trader and profile figures).

The additional duties an inspection assessed, where they were recorded; otherwise the
declaration's expected duty, from each item's declared duty or its declared tax rate on its
value (the KCS data carry a rate and a value, never an amount). ``revenue_basis`` says which
one a figure rests on. One rule, in Decimal for what is stored and as a Polars expression for
frames; a test holds them equal."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

import polars as pl

_CENT = Decimal("0.01")


class RevenueBasis(StrEnum):
    ASSESSED = "assessed"  # additional duties the inspection recorded
    EXPECTED_DUTY = "expected_duty"  # the declared duty, or the declared rate on the value


def expected_duty(
    customs_value: Decimal | None, tax_rate: Decimal | None, duty: Decimal | None
) -> Decimal | None:
    """One item's expected duty: its declared duty, else its declared rate on its value in
    the national currency (None: no rate to convert it at)."""
    if duty is not None:
        return duty
    if tax_rate is None or customs_value is None:
        return None
    return (customs_value * tax_rate / 100).quantize(_CENT, rounding=ROUND_HALF_EVEN)


def declaration_expected_duty(
    items: Iterable[tuple[Decimal | None, Decimal | None, Decimal | None]],
) -> Decimal | None:
    """The sum over (customs_value, tax_rate, duty) of each item; None when no item says."""
    amounts = [amount for item in items if (amount := expected_duty(*item)) is not None]
    return sum(amounts, Decimal(0)) if amounts else None


def finding_revenue(
    finding: bool, additional_duties: Decimal | None, expected: Decimal | None
) -> tuple[Decimal | None, RevenueBasis | None]:
    """(revenue, basis) of one inspection result: nothing for a compliant one."""
    if not finding:
        return None, None
    if additional_duties is not None:
        return additional_duties, RevenueBasis.ASSESSED
    if expected is not None:
        return expected, RevenueBasis.EXPECTED_DUTY
    return None, None


def _expected_duty_expr() -> pl.Expr:
    rate = pl.col("customs_value") * pl.col("tax_rate") / 100
    return pl.coalesce(pl.col("duty"), rate.round(2))


def revenue_expr() -> pl.Expr:
    """Per row of an item frame: its declaration's finding revenue (null without a finding)."""
    expected = _expected_duty_expr()
    declared = pl.when(expected.is_not_null().any().over("declaration_id")).then(
        expected.sum().over("declaration_id")
    )
    return (
        pl.when(pl.col("finding").fill_null(False))
        .then(pl.coalesce(pl.col("additional_duties"), declared))
        .alias("revenue")
    )
