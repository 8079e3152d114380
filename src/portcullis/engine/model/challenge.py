"""Champion and challenger: does a newly trained model beat the active one?

Both are scored on the same held-out period (the latest labelled declarations, which the
challenger was not trained on), each with the features it was built for (its own reference
prices; trader history point in time, the period's own outcomes hidden), and compared at the
policy's target inspection rate on two figures: precision (the share of findings among the
items it would select) and the revenue found among them. The challenger wins only if it is
better on one and no worse on the other: a model that finds more but smaller cases, or fewer
but larger, is a trade-off for an analyst to decide, not for a scheduled job.

Labels exist only for inspected items, so both models are measured on what was inspected:
the same bias for both, which a comparison can live with (the unbiased figures come from the
random sample, see measurement)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from portcullis.engine import metrics
from portcullis.engine.features import FeatureContext, build_features
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.engine.items import without_outcomes
from portcullis.engine.model.artifact import ModelArtifact


class ChallengeError(ValueError):
    """No fair comparison is possible (no labelled held-out period, ...)."""


@dataclass(frozen=True)
class Standing:
    version: str
    precision: float
    revenue: float  # additional duties found among the selected items
    selected: int  # items selected at the rate


@dataclass(frozen=True)
class Verdict:
    rate: float  # percent of held-out items selected
    held_out_from: str
    held_out_to: str
    items: int  # labelled held-out items
    findings: int
    challenger: Standing
    champion: Standing | None
    promote: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def held_out(history: pl.DataFrame, start: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the history before ``start``, the labelled items lodged from ``start`` on)."""
    before = history.filter(pl.col("lodged_at") < start)
    after = history.filter(pl.col("lodged_at") >= start)
    return before, after.filter(pl.col("finding").is_not_null())


def standing(
    artifact: ModelArtifact, before: pl.DataFrame, period: pl.DataFrame, rate: float
) -> Standing:
    """How ``artifact`` ranks the labelled ``period`` at ``rate`` percent."""
    context = FeatureContext(
        artifact.prices,
        ComplianceHistory(add_derived(pl.concat([before, without_outcomes(period)]))),
    )
    features = build_features(period, context).polars()
    scores = artifact.predict(artifact.matrix(features))
    labels = period.get_column("finding").cast(pl.Float64).to_numpy()
    chosen = metrics.top_share(np.asarray(scores), rate)
    return Standing(
        version=artifact.version,
        precision=float(labels[chosen].mean()),
        revenue=round(float(metrics.item_revenue(period)[chosen].sum()), 2),
        selected=len(chosen),
    )


def judge(challenger: Standing, champion: Standing | None) -> tuple[bool, str]:
    if champion is None:
        return True, "no active model: the challenger is the first"
    precision = challenger.precision - champion.precision
    revenue = challenger.revenue - champion.revenue
    figures = (
        f"precision {challenger.precision:.1%} against {champion.precision:.1%}, revenue "
        f"{challenger.revenue:,.0f} against {champion.revenue:,.0f}"
    )
    if precision >= 0 and revenue >= 0 and (precision > 0 or revenue > 0):
        return True, f"the challenger is better: {figures}"
    if precision <= 0 and revenue <= 0:
        return False, f"the challenger is not better: {figures}"
    return False, f"a trade-off, kept for an analyst to decide: {figures}"


def challenge(
    history: pl.DataFrame,
    start: datetime,
    challenger: ModelArtifact,
    champion: ModelArtifact | None,
    rate: float,
) -> Verdict:
    """Compare on the labelled items of ``history`` lodged from ``start`` on; ``rate`` is the
    target inspection rate in percent. The challenger must not have been trained on them."""
    before, period = held_out(history, start)
    if period.height == 0 or period.get_column("finding").n_unique() < 2:
        raise ChallengeError(
            f"the held-out period from {start:%Y-%m-%d} has {period.height:,} inspected items "
            "and needs both findings and compliant results to compare models on"
        )
    trained_to = challenger.metadata.get("training", {}).get("to")
    if trained_to and datetime.fromisoformat(trained_to) >= start:
        raise ChallengeError("the challenger was trained on the held-out period")
    mine = standing(challenger, before, period, rate)
    theirs = standing(champion, before, period, rate) if champion is not None else None
    promote, reason = judge(mine, theirs)
    lodged = period.get_column("lodged_at")
    return Verdict(
        rate=rate,
        held_out_from=lodged.min().isoformat(),  # type: ignore[union-attr]
        held_out_to=lodged.max().isoformat(),  # type: ignore[union-attr]
        items=period.height,
        findings=int(period.get_column("finding").sum()),
        challenger=mine,
        champion=theirs,
        promote=promote,
        reason=reason,
    )
