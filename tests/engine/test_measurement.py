"""Compliance figures from the random sample: the intervals mean what they say."""

from __future__ import annotations

import numpy as np
import pytest

from portcullis.engine.measurement import estimate, share_caught, wilson


def test_the_wilson_interval_matches_a_worked_example():
    # 10 findings in 100: the interval given in Newcombe (1998), table I, method 3.
    interval = wilson(10, 100)
    assert interval.low == pytest.approx(0.0552, abs=5e-4)
    assert interval.high == pytest.approx(0.1744, abs=5e-4)


def test_no_finding_still_leaves_an_upper_bound_above_zero():
    interval = wilson(0, 30)
    assert interval.low == 0
    assert 0.1 < interval.high < 0.12


def test_an_empty_sample_says_nothing():
    empty = estimate("all", 500, [])
    assert empty.rate is None
    assert (empty.interval.low, empty.interval.high) == (0.0, 1.0)


def test_the_interval_covers_a_known_rate_in_at_least_90_percent_of_200_simulated_flows():
    """A simulated flow with a known non-compliance rate, sampled as the policy samples (1 %
    of 20,000 declarations), 200 seeded runs: the 95 % interval covers the true rate in at
    least 90 % of them (it should in about 95 %)."""
    true_rate, flow, sample_rate = 0.08, 20_000, 0.01
    covered = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        non_compliant = rng.random(flow) < true_rate
        drawn = rng.random(flow) < sample_rate
        duties = rng.exponential(1000.0, flow)
        outcomes = [
            (bool(f), float(d)) for f, d in zip(non_compliant[drawn], duties[drawn], strict=True)
        ]
        covered += estimate("all", flow, outcomes).interval.covers(true_rate)
    assert covered >= 180, f"covered in {covered} of 200 runs"


def test_the_revenue_gap_scales_the_sample_mean_to_the_flow():
    result = estimate("all", 1000, [(True, 200.0), (False, 0.0), (False, 0.0), (True, 600.0)])
    assert result.revenue_gap == pytest.approx(200.0 * 1000)
    assert result.revenue_interval is not None
    assert result.revenue_interval.low < 200_000 < result.revenue_interval.high


def test_the_share_caught_compares_findings_with_the_estimated_total():
    whole = estimate("all", 10_000, [(True, 0.0)] * 10 + [(False, 0.0)] * 90)  # 10 %: ~1,000
    share, interval = share_caught(400, whole)
    assert share == pytest.approx(0.4)
    assert interval is not None
    assert interval.low < 0.4 < interval.high
