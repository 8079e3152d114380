"""A backtest builds only the trader history its criteria read, and gets the same figures
as from the full history."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from portcullis.engine.backtest import compliance_settings, period_features, run_backtest
from portcullis.engine.features import default_catalogue
from portcullis.engine.rules.profiles import Profile, ProfileSet
from portcullis.engine.synthetic import SyntheticSettings, generate

START, END = datetime(2024, 10, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def history():  # type: ignore[no-untyped-def]
    frame = generate(SyntheticSettings(declarations=4000, days=365))
    return frame.sort("lodged_at", "declaration_id", "line_no", maintain_order=True)


def test_only_the_subjects_read_are_kept():
    settings = compliance_settings({"importer_finding_rate", "seller_declarations", "hs_code"})
    assert [s.name for s in settings.subjects] == ["importer"]
    assert settings.activity == ("seller",)
    assert compliance_settings({"hs6_origin_inspections"}).subjects[0].name == "hs6_origin"


def test_the_narrow_history_gives_the_figures_of_the_full_one(history):
    fields = {"importer_finding_rate", "importer_declarations"}
    _, narrow = period_features(history, START, END, {"compliance", "trader"}, fields)
    _, full = period_features(history, START, END, {"compliance", "trader"}, None)
    assert "seller_finding_rate" not in narrow
    assert "seller_finding_rate" in full
    for name in fields:
        assert np.array_equal(narrow.numbers(name), full.numbers(name), equal_nan=True)


def test_a_trader_history_profile_backtests(history):
    catalogue = default_catalogue()
    profiles = ProfileSet.compile(
        [Profile(code="P", version=1, criteria="importer_finding_rate > 0.2")], catalogue
    )
    result = run_backtest(history, START, END, profiles, catalogue)
    assert 0 < result.total.hits < result.declarations
    assert result.total.inspected == result.total.hits  # every synthetic declaration has one
