"""The exchange rates in force: the book every amount is converted with (frames, expected
duties, the declaration page), and the query that tells which stored row is in force on a
day (its source and dates); both read the same rows, the latest-loaded first."""

from __future__ import annotations

import threading
from datetime import date

from django.conf import settings
from django.db.models import Count, Max, Q

from portcullis.engine.conversion import RateBook
from portcullis.engine.rates import Rate
from portcullis.web.reference.models import ExchangeRate

_BOOKS: dict[str, tuple[tuple[int, object], RateBook]] = {}
_LOCK = threading.Lock()


def rate_book(national: str | None = None) -> RateBook:
    """Every stored rate to the national currency, as the engine looks them up. Rows are
    only ever added, so their count and latest load time say whether a kept book is current
    (one aggregate query instead of reading 200,000 rows)."""
    national = national or settings.PORTCULLIS_NATIONAL_CURRENCY
    rows = ExchangeRate.objects.filter(national=national)
    stamp = rows.aggregate(count=Count("pk"), latest=Max("loaded_at"))
    key = (int(stamp["count"]), stamp["latest"])
    with _LOCK:
        kept = _BOOKS.get(national)
        if kept is not None and kept[0] == key:
            return kept[1]
    ordered = rows.order_by("loaded_at", "pk").values_list(
        "currency", "valid_from", "valid_to", "rate", "source"
    )
    book = RateBook(national, (Rate(*row) for row in ordered.iterator(chunk_size=20_000)))
    with _LOCK:
        _BOOKS[national] = (key, book)
    return book


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
