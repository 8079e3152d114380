"""Hypothesis strategies: valid canonical declarations, as an API client or file would send."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from portcullis.engine.reference import COUNTRY_CODES, nomenclature

_HS2017 = sorted(
    code for code, e in nomenclature().edition("HS2017").entries.items() if e.level == 6
)
_COUNTRIES = sorted(COUNTRY_CODES)
_CODE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def codes(max_size: int) -> st.SearchStrategy[str]:
    first = st.sampled_from(_CODE_CHARS)
    rest = st.text(_CODE_CHARS + "._-", max_size=max_size - 1)
    return st.builds(lambda a, b: a + b, first, rest)


def decimals(places: int, max_value: int) -> st.SearchStrategy[str]:
    return st.decimals(
        min_value=0, max_value=max_value, places=places, allow_nan=False, allow_infinity=False
    ).map(lambda d: str(Decimal(d).normalize()) if d == d.to_integral() else str(d))


free_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip() == text)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


items = st.fixed_dictionaries(
    {
        "hs_code": st.sampled_from(_HS2017),
        "origin_country": st.sampled_from(_COUNTRIES),
        "net_mass_kg": decimals(3, 10**9),
        "customs_value": decimals(2, 10**12),
        "currency": st.sampled_from(["KRW", "USD", "EUR", "CNY"]),
    },
    optional={
        "description": optional(free_text),
        "origin_indicator": optional(codes(4)),
        "quantity": optional(decimals(3, 10**6)),
        "tax_type": optional(codes(4)),
        "tax_rate": optional(decimals(3, 999)),
        "duty": optional(decimals(2, 10**9)),
    },
)
outcomes = st.one_of(
    st.fixed_dictionaries({"finding": st.just(False)}),
    st.fixed_dictionaries(
        {"finding": st.just(True)},
        optional={
            "critical": st.booleans(),
            "finding_type": st.sampled_from(["undervaluation", "origin", "ipr"]),
            "additional_duties": decimals(2, 10**9),
            "notes": free_text,
        },
    ),
)
declarations = st.fixed_dictionaries(
    {
        "declaration_id": codes(35),
        "lodged_at": st.dates(date(2017, 1, 1), date(2021, 12, 31)).map(date.isoformat),
        "office": codes(10),
        "declarant": codes(35),
        "importer": codes(35),
        "items": st.lists(items, min_size=1, max_size=4),
    },
    optional={
        "procedure": optional(codes(10)),
        "transport_mode": optional(codes(10)),
        "seller": optional(codes(35)),
        "courier": optional(codes(35)),
        "country_of_departure": optional(st.sampled_from(_COUNTRIES)),
        "outcome": optional(outcomes),
    },
)
__all__ = ["declarations", "timedelta"]
