"""Population stability: a window like the training window reads stable, a shifted one
alerts, and counts of history never do."""

from __future__ import annotations

import numpy as np
import pytest

from portcullis.engine.drift import (
    ALERT_PSI,
    SCORE,
    Distribution,
    compare,
    level,
    psi,
    reference,
    references,
)


def _rng() -> np.random.Generator:
    return np.random.default_rng(7)


def test_the_same_population_is_stable_and_a_shifted_one_alerts():
    rng = _rng()
    kept = reference(rng.normal(0, 1, 20_000), categorical=False)
    same = kept.counts(rng.normal(0, 1, 5_000))
    moved = kept.counts(rng.normal(1.0, 1, 5_000))
    shares = np.asarray(kept.shares)
    assert psi(shares, same / same.sum()) < 0.02
    assert psi(shares, moved / moved.sum()) > ALERT_PSI


def test_deciles_hold_a_tenth_each_and_missing_values_have_their_own_bin():
    values = np.concatenate([np.arange(1000, dtype=float), np.full(250, np.nan)])
    kept = reference(values, categorical=False)
    assert len(kept.shares) == len(kept.cuts) + 2
    assert kept.shares[-1] == pytest.approx(0.2)  # 250 of 1250 missing
    assert all(s == pytest.approx(0.08, abs=0.002) for s in kept.shares[:-1])


def test_codes_beyond_the_commonest_and_new_codes_share_the_other_bin():
    training = np.asarray([float(code % 30) for code in range(3000)])  # 30 codes, equal shares
    kept = reference(training, categorical=True)
    assert len(kept.cuts) == 20
    counts = kept.counts(np.asarray([99.0, 98.0, float(kept.cuts[0]), np.nan]))
    assert counts[-2] == 2  # the other bin: two codes never seen
    assert counts[-1] == 1  # missing
    assert counts[0] == 1  # the first kept code (bins follow the kept order)
    assert kept.shares[-2] == pytest.approx(10 / 30)


def test_a_reference_survives_its_plain_data_form():
    kept = reference(_rng().exponential(3, 1000), categorical=False)
    assert Distribution.from_dict(kept.to_dict()) == kept


def test_compare_reports_each_input_the_score_and_the_alerts():
    rng = _rng()
    names = ["origin_country", "log_unit_value", "importer_inspections"]
    training = np.column_stack(
        [rng.integers(0, 5, 4000), rng.normal(5, 1, 4000), rng.poisson(2, 4000)]
    ).astype(float)
    kept = references(training, names, {"origin_country"}, rng.uniform(0, 1, 4000))
    assert set(kept) == {*names, SCORE}
    now = np.column_stack(
        [rng.integers(0, 5, 2000), rng.normal(3, 1, 2000), rng.poisson(40, 2000)]
    ).astype(float)
    report = compare(kept, now, names, rng.uniform(0, 1, 2000))
    by_name = {shift.name: shift for shift in report.features}
    assert by_name["origin_country"].level == "stable"
    assert by_name["log_unit_value"].level == "alert"
    # A count of history grows by construction: far beyond the alert level, never an alert.
    assert by_name["importer_inspections"].psi > ALERT_PSI
    assert by_name["importer_inspections"].level == "history"
    assert report.score.level == "stable"
    assert [s.name for s in report.alerts] == ["log_unit_value"]
    assert report.to_dict()["alerts"] == ["log_unit_value"]
    assert [s.psi for s in report.features] == sorted(
        (s.psi for s in report.features), reverse=True
    )


def test_an_empty_window_is_refused_in_words():
    kept = references(np.ones((10, 1)), ["x"], set(), np.ones(10))
    with pytest.raises(ValueError, match="no items"):
        compare(kept, np.ones((0, 1)), ["x"], np.ones(0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.05, "stable"), (0.2, "watch"), (0.3, "alert"), (float("nan"), "unknown")],
)
def test_levels(value, expected):
    assert level(value) == expected
