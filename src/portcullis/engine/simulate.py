"""Human in the loop, replayed: a labelled history run week by week as if live.

Each week the model of each strategy scores the week's items and selects ``rate`` % of them;
only the selected items' outcomes are revealed (the officers inspected those), the model is
retrained on everything revealed so far, and the next week begins. Trader compliance features
see only revealed outcomes, known from the day after lodging. The strategies differ in how
they spend the inspections (after Kim et al., "Active Learning for Human-in-the-Loop Customs
Inspection", IEEE TKDE 2022):

- ``exploit``: every inspection on the highest scores;
- ``random``: 90 % on the highest scores, 10 % on items drawn at random from the rest;
- ``uncertainty``: 90 % on the highest scores, 10 % on the rest's most uncertain items
  (probability nearest 0.5).

Exploration costs findings this week in the hope of a better model later; the figures say
whether it pays. Revenue: the labelled data may carry no duties recovered (the KCS synthetic
data does not), so the duty at stake on each finding is its customs value × tax rate, a
proxy named as such wherever it is printed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from portcullis.engine.features import FeatureContext, build_features
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.features.valuation import ReferencePrices
from portcullis.engine.items import OUTCOME_FIELDS
from portcullis.engine.metrics import top_share
from portcullis.engine.model.training import TrainingSettings, train_model

STRATEGIES = ("exploit", "random", "uncertainty")
EXPLORE_SHARE = 0.10


@dataclass(frozen=True)
class Week:
    strategy: str
    start: datetime
    items: int
    selected: int
    findings: int
    revenue: float  # duty at stake on the findings selected (proxy, see above)
    findings_in_week: int  # every finding of the week, selected or not

    @property
    def precision(self) -> float:
        return self.findings / self.selected if self.selected else float("nan")

    @property
    def recall(self) -> float:
        return self.findings / self.findings_in_week if self.findings_in_week else float("nan")


@dataclass
class Simulation:
    rate: float
    warmup_until: datetime
    weeks: list[Week] = field(default_factory=list)

    def of(self, strategy: str) -> list[Week]:
        return [w for w in self.weeks if w.strategy == strategy]

    def summary(self) -> dict[str, dict[str, float]]:
        """Per strategy: precision and recall over all weeks, revenue summed; the same over
        the last half of the weeks (where exploration should have paid, if it does)."""
        out = {}
        for strategy in dict.fromkeys(w.strategy for w in self.weeks):
            weeks = self.of(strategy)
            late = weeks[len(weeks) // 2 :]
            out[strategy] = {
                "weeks": len(weeks),
                "precision": _ratio(weeks, "findings", "selected"),
                "recall": _ratio(weeks, "findings", "findings_in_week"),
                "revenue": sum(w.revenue for w in weeks),
                "late_precision": _ratio(late, "findings", "selected"),
                "late_revenue": sum(w.revenue for w in late),
            }
        return out


def _ratio(weeks: list[Week], top: str, bottom: str) -> float:
    below = sum(getattr(w, bottom) for w in weeks)
    return sum(getattr(w, top) for w in weeks) / below if below else float("nan")


def duty_at_stake(items: pl.DataFrame) -> npt.NDArray[np.float64]:
    """Customs value × tax rate of each item with a finding (0 otherwise)."""
    amount = (pl.col("customs_value") * pl.col("tax_rate").fill_null(0) / 100).fill_null(0)
    found = pl.when(pl.col("finding").fill_null(False)).then(amount).otherwise(0.0)
    return items.select(found.cast(pl.Float64)).to_series().to_numpy()


def choose(
    strategy: str, scores: npt.NDArray[np.float64], count: int, rng: np.random.Generator
) -> npt.NDArray[np.intp]:
    """Indexes of the ``count`` items ``strategy`` inspects."""
    count = min(count, len(scores))
    if strategy == "exploit":
        return top_share(scores, 100 * count / len(scores)) if count else np.zeros(0, np.intp)
    explore = round(count * EXPLORE_SHARE)
    order = np.lexsort((np.arange(len(scores)), -scores))
    top, rest = order[: count - explore], order[count - explore :]
    if strategy == "random":
        extra = rng.choice(rest, size=min(explore, len(rest)), replace=False)
    elif strategy == "uncertainty":
        distance = np.abs(scores[rest] - 0.5)
        extra = rest[np.lexsort((rest, distance))[:explore]]
    else:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {', '.join(STRATEGIES)}")
    return np.concatenate([top, extra]).astype(np.intp)


def _hidden(items: pl.DataFrame, revealed: npt.NDArray[np.bool_]) -> pl.DataFrame:
    """The items with the outcomes not revealed blanked out."""
    shown = pl.Series(revealed)
    return items.with_columns(
        pl.when(shown).then(pl.col(name)).otherwise(pl.lit(None, dtype)).alias(name)
        for name, dtype in OUTCOME_FIELDS.items()
    )


def simulate(
    items: pl.DataFrame,
    *,
    rate: float = 5.0,
    warmup_weeks: int = 13,
    strategies: tuple[str, ...] = STRATEGIES,
    settings: TrainingSettings | None = None,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> Simulation:
    """Replay ``items`` (an item frame with outcomes, declarations' items together, in
    lodging order) week by week. The first ``warmup_weeks`` are the labelled history the
    first model learns from (as past inspections would be); every later week is selected by
    each strategy at ``rate`` %."""
    settings = settings or TrainingSettings(max_rounds=60)
    items = items.sort("lodged_at", "declaration_id", "line_no", maintain_order=True)
    lodged = items.get_column("lodged_at")
    first = lodged.min()
    start = datetime.combine(first.date(), datetime.min.time(), first.tzinfo)  # type: ignore[union-attr]
    warmup_until = start + timedelta(weeks=warmup_weeks)
    week_starts = []
    cursor = warmup_until
    while cursor <= lodged.max():  # type: ignore[operator]
        week_starts.append(cursor)
        cursor += timedelta(weeks=1)
    revenue = duty_at_stake(items)
    labels = items.get_column("finding").fill_null(False).to_numpy().astype(bool)
    when = lodged.dt.convert_time_zone("UTC").dt.replace_time_zone(None).to_numpy()
    result = Simulation(rate=rate, warmup_until=warmup_until)
    derived = add_derived(items)
    steps = len(week_starts) * len(strategies)
    for s_index, strategy in enumerate(strategies):
        rng = np.random.default_rng(seed)
        revealed = when < _utc(warmup_until)
        revealed &= items.get_column("finding").is_not_null().to_numpy()
        for w_index, week in enumerate(week_starts):
            if progress:
                progress(strategy, s_index * len(week_starts) + w_index, steps)
            end = week + timedelta(weeks=1)
            now = _mask(when, week, end)
            past = when < _utc(week)
            known = _hidden(derived, revealed)
            history = known.filter(pl.Series(past | now))
            context = FeatureContext(
                ReferencePrices.fit(known.filter(pl.Series(past))), ComplianceHistory(history)
            )
            frame = build_features(
                _hidden(items, revealed).filter(pl.Series(past | now)), context
            ).polars()
            in_past = pl.Series(past[past | now])
            training = frame.filter(in_past & pl.col("finding").is_not_null())
            artifact = train_model(training, context.prices, replace(settings, seed=seed))
            week_frame = frame.filter(~in_past)
            scores = artifact.predict(artifact.matrix(week_frame))
            rows = np.flatnonzero(now)
            count = max(1, round(len(rows) * rate / 100))
            chosen = rows[choose(strategy, scores, count, rng)]
            revealed[chosen] = True
            result.weeks.append(
                Week(
                    strategy=strategy,
                    start=week,
                    items=len(rows),
                    selected=len(chosen),
                    findings=int(labels[chosen].sum()),
                    revenue=float(revenue[chosen].sum()),
                    findings_in_week=int(labels[rows].sum()),
                )
            )
    return result


def _utc(moment: datetime) -> np.datetime64:
    """As NumPy holds a time-zone-aware Polars column: UTC, naive."""
    return np.datetime64(moment.astimezone(UTC).replace(tzinfo=None), "us")


def _mask(
    when: npt.NDArray[np.datetime64], start: datetime, end: datetime
) -> npt.NDArray[np.bool_]:
    return (when >= _utc(start)) & (when < _utc(end))
