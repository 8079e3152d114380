"""The exchange rate in force: the one query every conversion to the national currency uses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q

from portcullis.web.reference.models import ExchangeRate


def rate_in_force(currency: str, day: date, national: str) -> ExchangeRate | None:
    """The latest rate of ``currency`` to ``national`` in force on ``day`` (the national
    currency itself: none needed), whichever source gave it; the latest-loaded first when
    two sources give the same day."""
    if currency == national:
        return None
    return (
        ExchangeRate.objects.filter(national=national, currency=currency, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from", "-loaded_at", "-pk")
        .first()
    )


def in_national_currency(
    amount: Decimal, currency: str, day: date, national: str
) -> Decimal | None:
    """``amount`` converted at the rate in force on ``day``; None when there is none."""
    if currency == national:
        return amount
    found = rate_in_force(currency, day, national)
    return None if found is None else (amount * found.rate).quantize(Decimal("0.01"))
