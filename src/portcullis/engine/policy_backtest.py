"""Backtesting a selectivity policy: the channels a proposed policy would have given the
declarations of a period, beside those the current policy gives them, with the same model,
profiles, watchlist and point-in-time features, and what was found among those each would
have selected.

Before the period, the proposal's thresholds are recalibrated on the scores of the days
before it, as activating it would (thresholds set on other scores select other shares). The
random draws are the installation's own, so both policies draw the same declarations.
Outcomes exist only where someone inspected, so the finding rate of what a policy would stop
counts the selected declarations with a known outcome, always shown beside it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from portcullis.engine.assessment import RiskEngine
from portcullis.engine.channels import Channel
from portcullis.engine.measurement import share
from portcullis.engine.revenue import revenue_expr
from portcullis.engine.selectivity import Policy, calibrate

CALIBRATION_DAYS = 90


@dataclass(frozen=True)
class PolicyFigures:
    version: str
    channels: dict[str, int]
    selected: int  # given any control: yellow, red or blue
    inspected: int  # of those, with a known outcome
    findings: int
    revenue: float
    busiest: dict[str, Any] | None  # the office and day with the most selected

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "finding_rate": self.finding_rate}


@dataclass(frozen=True)
class PolicyBacktest:
    start: datetime
    end: datetime
    declarations: int
    calibrated_on: int  # declarations before the period whose scores set the thresholds
    current: PolicyFigures
    proposed: PolicyFigures
    changed: int  # declarations whose channel differs

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "declarations": self.declarations,
            "calibrated_on": self.calibrated_on,
            "current": self.current.to_dict(),
            "proposed": self.proposed.to_dict(),
            "changed": self.changed,
        }


def figures(decided: pl.DataFrame, outcomes: pl.DataFrame, version: str) -> PolicyFigures:
    """``decided``: declaration_id, office, channel, day; ``outcomes``: declaration_id,
    finding (null: none known), duties (of a finding)."""
    selected = decided.filter(pl.col("channel") != Channel.GREEN.value)
    known = selected.join(outcomes, on="declaration_id").filter(pl.col("finding").is_not_null())
    workload = selected.group_by("office", "day").len().sort("len", "office", descending=True)
    busiest = None
    if workload.height:
        row = workload.row(0, named=True)
        busiest = {"office": row["office"], "day": row["day"].isoformat(), "selected": row["len"]}
    counts = dict(decided.group_by("channel").len().iter_rows())
    return PolicyFigures(
        version=version,
        channels={c.value: int(counts.get(c.value, 0)) for c in Channel},
        selected=selected.height,
        inspected=known.height,
        findings=int(known.get_column("finding").sum()),
        revenue=float(known.get_column("duties").sum()),
        busiest=busiest,
    )


def backtest_policy(
    engine: RiskEngine, history: pl.DataFrame, start: datetime, end: datetime, proposal: Policy
) -> PolicyBacktest:
    """``engine``: the current configuration (its context built on ``history``, whose
    features are then point in time); ``proposal``: the policy to try (its thresholds are
    recalibrated)."""
    before = history.filter(
        (pl.col("lodged_at") >= start - timedelta(days=CALIBRATION_DAYS))
        & (pl.col("lodged_at") < start)
    )
    period = history.filter(pl.col("lodged_at").is_between(start, end, closed="left"))
    if period.height == 0:
        raise ValueError(f"no declarations were lodged from {start:%Y-%m-%d} to {end:%Y-%m-%d}")
    if before.height == 0:
        raise ValueError(
            f"no declarations were lodged in the {CALIBRATION_DAYS} days before "
            f"{start:%Y-%m-%d}: there are no scores to set the proposal's thresholds on"
        )
    scores = engine.assess(before, explain="none").declarations.select("office", "risk_score")
    proposal = calibrate(proposal, scores.drop_nulls())
    current = engine.assess(period, explain="none").declarations
    proposed = replace(engine, policy=proposal).assess(period, explain="none").declarations
    days = period.unique("declaration_id", keep="first", maintain_order=True).select(
        "declaration_id", pl.col("lodged_at").dt.date().alias("day")
    )
    outcomes = (
        period.with_columns(revenue_expr())
        .group_by("declaration_id")
        .agg(pl.col("finding").first(), pl.col("revenue").first().alias("duties"))
        .with_columns(pl.when(pl.col("finding")).then(pl.col("duties").fill_null(0)).otherwise(0.0))
    )

    def decided(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select("declaration_id", "office", "channel").join(days, on="declaration_id")

    changed = current.select("declaration_id", "channel").join(
        proposed.select("declaration_id", pl.col("channel").alias("proposed")),
        on="declaration_id",
    )
    return PolicyBacktest(
        start=start,
        end=end,
        declarations=current.height,
        calibrated_on=scores.height,
        current=figures(decided(current), outcomes, engine.policy.version),
        proposed=figures(decided(proposed), outcomes, proposal.version),
        changed=changed.filter(pl.col("channel") != pl.col("proposed")).height,
    )
