"""How a model version performs in use, week by week, on two kinds of evidence.

Risk-selected declarations (selected because their risk score reached a threshold) show what
the selection found: many outcomes, but only for what the model already liked, so their
finding rate flatters it. The random compliance sample is a uniform draw from the flow: among
its declarations, those the model scored in the week's top ``rate`` % are what it would have
selected, so their finding rate is an unbiased estimate of its precision at that rate, and
their share of the sample's revenue an unbiased estimate of the revenue share it captures.
The sample is small, so each precision comes with its Wilson interval."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import polars as pl

from portcullis.engine.channels import Reason
from portcullis.engine.measurement import Interval, share, wilson

# The selections the risk score made (mandatory profiles select whatever the model says).
RISK_SELECTED = (Reason.RISK.value, Reason.AUDIT_BAND.value, Reason.AEO_FACILITATION.value)
COLUMNS = {
    "lodged_at": pl.Datetime,
    "score": pl.Float64,
    "reason": pl.String,
    "sampled": pl.Boolean,
    "finding": pl.Boolean,
    "revenue": pl.Float64,
}


@dataclass(frozen=True)
class Week:
    monday: date
    declarations: int
    threshold: float | None  # the score of the week's top ``rate`` %
    selected_inspected: int  # risk-selected declarations with an outcome
    selected_findings: int
    selected_revenue: float
    sampled: int  # random-sample declarations with an outcome
    sampled_findings: int
    sampled_revenue: float
    above: int  # of those, scored in the top ``rate`` %
    above_findings: int
    above_revenue: float

    @property
    def selected_precision(self) -> float | None:
        return share(self.selected_findings, self.selected_inspected)

    @property
    def random_precision(self) -> float | None:
        return share(self.above_findings, self.above)

    @property
    def random_interval(self) -> Interval | None:
        return wilson(self.above_findings, self.above) if self.above else None

    @property
    def base_rate(self) -> float | None:
        """The finding rate of the whole sample: what inspecting at random would find."""
        return share(self.sampled_findings, self.sampled)

    @property
    def revenue_captured(self) -> float | None:
        """The sample's revenue found among the declarations the model ranked on top."""
        return self.above_revenue / self.sampled_revenue if self.sampled_revenue else None

    def to_dict(self) -> dict[str, Any]:
        interval = self.random_interval
        return {
            **asdict(self),
            "monday": self.monday.isoformat(),
            "selected_precision": self.selected_precision,
            "random_precision": self.random_precision,
            "random_low": interval.low if interval else None,
            "random_high": interval.high if interval else None,
            "base_rate": self.base_rate,
            "revenue_captured": self.revenue_captured,
        }


def weekly(decisions: pl.DataFrame, rate: float) -> list[Week]:
    """Figures per week (Monday to Sunday, by lodging) of declarations decided by one model:
    ``decisions`` has the columns of COLUMNS (finding null while no outcome is known;
    revenue: additional duties of a finding); ``rate`` is the target rate in percent."""
    if decisions.height == 0:
        return []
    frame = decisions.with_columns(
        monday=pl.col("lodged_at").dt.truncate("1w").dt.date(),
        revenue=pl.when(pl.col("finding")).then(pl.col("revenue").fill_null(0)).otherwise(0.0),
    )
    thresholds = frame.group_by("monday").agg(
        declarations=pl.len(),
        threshold=pl.col("score").quantile(1 - rate / 100, interpolation="higher"),
    )
    known = pl.col("finding").is_not_null()
    risk = known & pl.col("reason").is_in(RISK_SELECTED)
    sample = known & pl.col("sampled")
    above = sample & (pl.col("score") >= pl.col("threshold"))
    found = pl.col("finding").fill_null(False)
    rows = (
        frame.join(thresholds, on="monday")
        .group_by("monday", "declarations", "threshold")
        .agg(
            selected_inspected=risk.sum(),
            selected_findings=(risk & found).sum(),
            selected_revenue=pl.col("revenue").filter(risk).sum(),
            sampled=sample.sum(),
            sampled_findings=(sample & found).sum(),
            sampled_revenue=pl.col("revenue").filter(sample).sum(),
            above=above.fill_null(False).sum(),
            above_findings=(above & found).fill_null(False).sum(),
            above_revenue=pl.col("revenue").filter(above.fill_null(False)).sum(),
        )
        .sort("monday")
    )
    return [
        Week(
            monday=row["monday"],
            declarations=int(row["declarations"]),
            threshold=row["threshold"],
            selected_inspected=int(row["selected_inspected"]),
            selected_findings=int(row["selected_findings"]),
            selected_revenue=float(row["selected_revenue"]),
            sampled=int(row["sampled"]),
            sampled_findings=int(row["sampled_findings"]),
            sampled_revenue=float(row["sampled_revenue"]),
            above=int(row["above"]),
            above_findings=int(row["above_findings"]),
            above_revenue=float(row["above_revenue"]),
        )
        for row in rows.iter_rows(named=True)
    ]


def overall(weeks: list[Week]) -> Week | None:
    """The weeks summed (the threshold is per week, so none is given for the total)."""
    if not weeks:
        return None
    return Week(
        monday=weeks[0].monday,
        declarations=sum(w.declarations for w in weeks),
        threshold=None,
        selected_inspected=sum(w.selected_inspected for w in weeks),
        selected_findings=sum(w.selected_findings for w in weeks),
        selected_revenue=sum(w.selected_revenue for w in weeks),
        sampled=sum(w.sampled for w in weeks),
        sampled_findings=sum(w.sampled_findings for w in weeks),
        sampled_revenue=sum(w.sampled_revenue for w in weeks),
        above=sum(w.above for w in weeks),
        above_findings=sum(w.above_findings for w in weeks),
        above_revenue=sum(w.above_revenue for w in weeks),
    )
