"""The glossary's terms, the fields a profile reads, and the "usual" range of a reference."""

from __future__ import annotations

import math

import pytest

from portcullis.engine.features.valuation import MAD_TO_SD, usual_range
from portcullis.engine.glossary import term
from portcullis.engine.rules.syntax import ProfileError, field_names


def test_terms_name_fields_and_transformed_features():
    assert term("country_of_departure") == "dispatched from"
    assert term("log_unit_value") == term("unit_value")  # by the field it transforms
    assert term("seller_watchlisted") == "seller on the watchlist"
    assert term("tax_type") == "tax type"
    assert term("some_new_field") == "some new field"


def test_the_fields_a_profile_reads_in_order_of_appearance():
    criteria = 'hs_chapter == "87" and (origin_country in ["CN"] or value_ratio < 0.5)'
    assert field_names(criteria + ' and hs_chapter != "01"') == [
        "hs_chapter",
        "origin_country",
        "value_ratio",
    ]
    with pytest.raises(ProfileError):
        field_names("hs_chapter ==")


def test_the_usual_range_is_the_middle_half_around_the_reference():
    # A reference whose log spread (1.4826 MAD) is 0.5: an item at 1/e of it has z = -2.
    ratio, reference, z = math.exp(-1.0), 1000.0, -2.0
    low, high = usual_range(ratio, reference, z)
    deviation = 0.5 / MAD_TO_SD
    assert low == pytest.approx(reference * math.exp(-deviation))
    assert high == pytest.approx(reference * math.exp(deviation))
    assert low < reference < high
    assert usual_range(ratio, reference, 0.0) is None
    assert usual_range(ratio, reference, None) is None
    assert usual_range(ratio, reference, float("nan")) is None
    assert usual_range(0.5, reference, 1.0) is None  # cheap with a positive z: inconsistent
