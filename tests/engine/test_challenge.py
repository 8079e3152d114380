"""The rule a challenger must meet: better on precision or revenue, worse at neither."""

from __future__ import annotations

import pytest

from portcullis.engine.model.challenge import Standing, judge


def standing(precision: float, revenue: float) -> Standing:
    return Standing(version="m", precision=precision, revenue=revenue, selected=100)


@pytest.mark.parametrize(
    ("challenger", "champion", "promoted"),
    [
        ((0.30, 1000), (0.25, 1000), True),  # more precise, as much revenue
        ((0.25, 1200), (0.25, 1000), True),  # as precise, more revenue
        ((0.25, 1000), (0.25, 1000), False),  # a tie keeps the champion
        ((0.20, 900), (0.25, 1000), False),  # worse at both
        ((0.30, 900), (0.25, 1000), False),  # a trade-off is for an analyst
        ((0.20, 1200), (0.25, 1000), False),
    ],
)
def test_a_challenger_must_be_better_at_one_and_worse_at_neither(challenger, champion, promoted):
    won, reason = judge(standing(*challenger), standing(*champion))
    assert won is promoted
    assert "precision" in reason


def test_with_no_active_model_the_challenger_is_promoted():
    assert judge(standing(0.1, 0), None) == (True, "no active model: the challenger is the first")
