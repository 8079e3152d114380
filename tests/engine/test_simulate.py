"""The human-in-the-loop replay: each strategy inspects its share of each week, sees only
what it inspected, and runs the same way twice."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from portcullis.engine.evaluate import load_items
from portcullis.engine.model.training import TrainingSettings
from portcullis.engine.simulate import EXPLORE_SHARE, choose, simulate
from tests.builders import KCS_2020


@pytest.fixture(scope="module")
def weeks_of_2020():
    items = load_items(KCS_2020, "kcs").items
    first = items.get_column("lodged_at").min()
    return items.filter(pl.col("lodged_at") < first + pl.duration(weeks=6))


@pytest.mark.slow
def test_each_strategy_inspects_its_share_of_every_week(weeks_of_2020):
    settings = TrainingSettings(max_rounds=10)
    result = simulate(weeks_of_2020, rate=5, warmup_weeks=4, settings=settings)
    assert {w.strategy for w in result.weeks} == {"exploit", "random", "uncertainty"}
    for week in result.weeks:
        assert week.selected == max(1, round(week.items * 5 / 100))
        assert 0 <= week.findings <= min(week.selected, week.findings_in_week)
    again = simulate(weeks_of_2020, rate=5, warmup_weeks=4, settings=settings)
    assert again.weeks == result.weeks  # random selections are seeded
    summary = result.summary()
    assert 0 < summary["exploit"]["precision"] <= 1


def test_exploration_spends_a_tenth_of_the_inspections_outside_the_top():
    scores = np.linspace(0.99, 0.0, 200)
    rng = np.random.default_rng(0)
    top = set(choose("exploit", scores, 20, rng).tolist())
    assert top == set(range(20))
    for strategy in ("random", "uncertainty"):
        chosen = set(choose(strategy, scores, 20, np.random.default_rng(0)).tolist())
        assert len(chosen) == 20
        assert len(chosen - set(range(20))) == round(20 * EXPLORE_SHARE)
    uncertain = set(choose("uncertainty", scores, 20, rng).tolist()) - set(range(18))
    assert all(abs(scores[i] - 0.5) < 0.01 for i in uncertain)
    with pytest.raises(ValueError, match="unknown strategy"):
        choose("greedy", scores, 20, rng)


@pytest.mark.slow
def test_the_command_prints_weekly_figures_and_writes_the_chart(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from tests.builders import first_kcs_rows

    history = tmp_path / "weeks.csv"
    history.write_text(first_kcs_rows(4000), encoding="utf-8")
    chart = tmp_path / "chart.html"
    out = StringIO()
    call_command("simulate", file=[history], warmup_weeks=3, rounds=5, chart=chart, stdout=out)
    text = out.getvalue()
    assert "Precision (findings / inspected)" in text
    assert "exploit      precision" in text
    page = chart.read_text(encoding="utf-8")
    assert "new Chart(" in page
    assert "https://" not in page.split("<script>", 1)[0]  # nothing fetched from a network
