"""Figures in the reader's locale, for pages and reports alike ("13,403", "13 403")."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def figure(value: float | int | Decimal, places: int | None = None) -> str:
    """``value`` grouped in the reader's locale, with ``places`` decimals (by default as
    many as its size needs: 2 below 100, else none)."""
    if places is None:
        places = 2 if abs(float(value)) < 100 else 0
    # Rounded first: number_format cuts the decimals off (1,999.98 would read 1,999).
    rounded = round(float(value), places)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)
