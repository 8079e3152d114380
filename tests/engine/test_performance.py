"""A model's weekly performance: risk selections counted as they were, and precision at the
target rate estimated from the random sample alone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from portcullis.engine.performance import COLUMNS, overall, weekly


def _flow(seed: int, weeks: int = 3, per_week: int = 2000) -> pl.DataFrame:
    """A flow where the model's score is the true probability of a finding; the top 5 % are
    risk-selected and inspected, 10 % drawn at random and inspected whatever their score."""
    rng = np.random.default_rng(seed)
    rows = []
    start = datetime(2021, 1, 4, 8)  # a Monday
    for week in range(weeks):
        scores = rng.beta(1, 12, per_week)
        truth = rng.uniform(size=per_week) < scores
        cut = np.quantile(scores, 0.95)
        sampled = rng.uniform(size=per_week) < 0.10
        for k in range(per_week):
            risk = scores[k] >= cut
            known = risk or sampled[k]
            rows.append(
                (
                    start + timedelta(weeks=week, minutes=k * 4),
                    float(scores[k]),
                    "risk" if risk else ("random" if sampled[k] else "low_risk"),
                    bool(sampled[k]),
                    bool(truth[k]) if known else None,
                    100.0 if known and truth[k] else None,
                )
            )
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def test_weeks_count_risk_selections_and_the_random_sample_apart():
    flow = _flow(1)
    weeks = weekly(flow, rate=5)
    assert [w.monday for w in weeks] == [date(2021, 1, 4), date(2021, 1, 11), date(2021, 1, 18)]
    first = flow.filter(pl.col("lodged_at") < datetime(2021, 1, 11))
    risk = first.filter(pl.col("reason") == "risk")
    sample = first.filter(pl.col("sampled"))
    week = weeks[0]
    assert week.declarations == first.height
    assert week.selected_inspected == risk.height
    assert week.selected_findings == risk.get_column("finding").sum()
    assert week.selected_revenue == 100.0 * week.selected_findings
    assert week.sampled == sample.height
    assert week.sampled_findings == sample.get_column("finding").sum()
    above = sample.filter(pl.col("score") >= week.threshold)
    assert week.above == above.height
    assert week.above_findings == above.get_column("finding").sum()
    assert week.revenue_captured == pytest.approx(week.above_findings / week.sampled_findings)
    total = overall(weeks)
    assert total is not None
    assert total.declarations == flow.height
    assert total.above == sum(w.above for w in weeks)


def test_the_random_sample_estimates_the_true_precision_at_the_rate():
    """Truth is known here: the mean score of the top 5 % is the model's real precision.
    The estimate from the sample's top-rate declarations is within its interval most of
    the time (it is a 95 % interval: at least 17 of 20 seeded flows)."""
    covered = 0
    for seed in range(20):
        flow = _flow(seed, weeks=1, per_week=20_000)
        week = weekly(flow, rate=5)[0]
        top = flow.filter(pl.col("score") >= week.threshold)
        true_precision = float(top.get_column("score").mean())  # type: ignore[arg-type]
        interval = week.random_interval
        assert interval is not None
        covered += interval.low <= true_precision <= interval.high
    assert covered >= 17


def test_no_decisions_no_weeks():
    assert weekly(pl.DataFrame(schema=COLUMNS), rate=5) == []
    assert overall([]) is None
