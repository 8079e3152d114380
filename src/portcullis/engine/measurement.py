"""Honest compliance figures from the random compliance sample.

Only inspected declarations have outcomes, and the ones the risk selection chose were chosen
because they looked non-compliant: their finding rate says nothing about the whole flow. The
random sample does. A declaration belongs to it when its random draw fell below the policy's
random rate, whatever step finally decided its channel (a risky declaration drawn for the
sample is inspected either way), so the sample is a uniform draw from the whole flow.

From it: the non-compliance rate of the flow (Wilson score interval), the revenue gap (the
mean additional duties per declaration, with a normal interval, times the flow), and the
share of the flow's non-compliance that the risk selection caught."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


def share(part: int, whole: int) -> float | None:
    """``part`` / ``whole``, or None when there is no whole (a rate of nothing is unknown)."""
    return part / whole if whole else None


def wilson(findings: int, sampled: int, z: float = Z_95) -> Interval:
    """The Wilson score interval of a proportion: sound for small samples and for rates
    near 0 or 1, where the plain normal interval is not."""
    if sampled <= 0:
        return Interval(0.0, 1.0)
    p = findings / sampled
    denominator = 1 + z * z / sampled
    centre = (p + z * z / (2 * sampled)) / denominator
    half = z * math.sqrt(p * (1 - p) / sampled + z * z / (4 * sampled * sampled)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Estimate:
    """The non-compliance of a part of the flow (``group``), from its random sample."""

    group: str
    flow: int  # declarations in the part of the flow
    sampled: int  # of them, drawn for the random sample with an outcome recorded
    findings: int
    rate: float | None
    interval: Interval
    revenue_gap: float | None  # estimated additional duties due over the whole part
    revenue_interval: Interval | None

    @property
    def non_compliant(self) -> float | None:
        """Estimated non-compliant declarations in the part of the flow."""
        return None if self.rate is None else self.rate * self.flow


def estimate(group: str, flow: int, outcomes: Sequence[tuple[bool, float]]) -> Estimate:
    """``outcomes``: (finding, additional duties) of each sampled declaration."""
    sampled = len(outcomes)
    findings = sum(1 for finding, _ in outcomes if finding)
    if sampled == 0:
        return Estimate(group, flow, 0, 0, None, Interval(0.0, 1.0), None, None)
    duties = [amount if finding else 0.0 for finding, amount in outcomes]
    mean = sum(duties) / sampled
    spread = math.sqrt(sum((d - mean) ** 2 for d in duties) / (sampled - 1)) if sampled > 1 else 0.0
    half = Z_95 * spread / math.sqrt(sampled)
    return Estimate(
        group=group,
        flow=flow,
        sampled=sampled,
        findings=findings,
        rate=findings / sampled,
        interval=wilson(findings, sampled),
        revenue_gap=mean * flow,
        revenue_interval=Interval(max(0.0, mean - half) * flow, (mean + half) * flow),
    )


def share_caught(caught: int, whole: Estimate) -> tuple[float | None, Interval | None]:
    """The share of the flow's non-compliance the risk selection found: ``caught`` findings
    among declarations it selected, over the estimated non-compliant declarations (from the
    sample's interval, so the share's interval runs the other way). Capped at 1."""
    if whole.rate is None or whole.rate == 0 or whole.flow == 0:
        return None, None
    share = min(1.0, caught / (whole.rate * whole.flow))
    low = min(1.0, caught / (whole.interval.high * whole.flow))
    high = 1.0 if whole.interval.low == 0 else min(1.0, caught / (whole.interval.low * whole.flow))
    return share, Interval(low, high)
