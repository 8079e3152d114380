"""Compliance of the whole flow, estimated from the random compliance sample of a period
(portcullis.engine.measurement says why only that sample will do).

A declaration is grouped by its first item (HS section and origin) and by its office. Its
outcome counts once recorded; sampled declarations still waiting for one are reported as
pending, not guessed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import Substr

from portcullis.engine.channels import Reason
from portcullis.engine.measurement import Estimate, Interval, estimate, share_caught
from portcullis.web.declarations.models import Item
from portcullis.web.declarations.reach import Reach
from portcullis.web.monitoring.sections import section_of
from portcullis.web.scoring.queries import current_decisions

# Fewer sampled declarations than this give an interval too wide to act on (a group of 3
# gives 0 to 79 %): the page greys the group's rate rather than show it as a finding.
MIN_SAMPLED = 10
# The selections made on risk grounds: what "the risk selection catches" counts.
RISK_REASONS = (
    Reason.RISK.value,
    Reason.MANDATORY_PROFILE.value,
    Reason.AUDIT_BAND.value,
    Reason.AEO_FACILITATION.value,
)
DIMENSIONS = ("section", "origin", "office")


@dataclass
class Compliance:
    whole: Estimate
    groups: dict[str, list[Estimate]] = field(default_factory=dict)  # by dimension
    pending: int = 0  # sampled, outcome not yet recorded
    caught: int = 0  # findings among risk selections
    share: float | None = None
    share_interval: Interval | None = None


def compliance(reach: Reach, start: datetime, end: datetime, caught: int) -> Compliance:
    """Estimates over the declarations lodged in [start, end) within ``reach``;
    ``caught``: findings among the period's risk selections."""
    first_items = Item.objects.filter(
        reach.q("declaration__"),
        line_no=1,
        declaration__lodged_at__gte=start,
        declaration__lodged_at__lt=end,
    )
    # Goods by chapter × origin, offices apart: grouped by all three at once, the rows ran to
    # the thousands (every chapter × origin × office seen) and cost more to read than count.
    flow: dict[str, dict[str, int]] = {d: defaultdict(int) for d in DIMENSIONS}
    by_goods = first_items.annotate(chapter=Substr("hs_code", 1, 2)).values(
        "chapter", "origin_country"
    )
    for row in by_goods.annotate(n=Count("pk")):
        flow["section"][section_of(row["chapter"])] += row["n"]
        flow["origin"][row["origin_country"]] += row["n"]
    in_period = current_decisions(reach).filter(lodged_at__gte=start, lodged_at__lt=end)
    for row in in_period.values("office__code").annotate(n=Count("pk")):
        flow["office"][row["office__code"]] += row["n"]
    total = sum(flow["origin"].values())  # every declaration lodged, decided yet or not
    # The sample is small (about 1 % of the flow): found from its own rows, not by joining
    # every declaration of the period.
    drawn = in_period.filter(sampled=True)
    # A subquery, not a list of ids: one query whether or not anything was drawn (an empty
    # list skips the query, which made the dashboard's query count depend on the draw).
    sample = Item.objects.filter(
        line_no=1, declaration_id__in=drawn.values("declaration_id")
    ).values_list(
        "hs_code",
        "origin_country",
        "declaration__office__code",
        "declaration__inspection__finding",
        "declaration__inspection__revenue",
    )
    outcomes: dict[str, dict[str, list[tuple[bool, float]]]] = {
        d: defaultdict(list) for d in DIMENSIONS
    }
    everything: list[tuple[bool, float]] = []
    pending = 0
    for hs_code, origin, office, finding, duties in sample:
        if finding is None:
            pending += 1
            continue
        outcome = (bool(finding), float(duties or Decimal(0)))
        everything.append(outcome)
        for dimension, key in _keys(hs_code[:2], origin, office).items():
            outcomes[dimension][key].append(outcome)
    whole = estimate("all", total, everything)
    share, interval = share_caught(caught, whole)
    result = Compliance(whole, pending=pending, caught=caught, share=share, share_interval=interval)
    for dimension in DIMENSIONS:
        estimates = [
            estimate(key, count, outcomes[dimension].get(key, []))
            for key, count in flow[dimension].items()
        ]
        result.groups[dimension] = sorted(estimates, key=lambda e: (-e.sampled, -e.flow, e.group))
    return result


def _keys(chapter: str, origin: str, office: str) -> dict[str, str]:
    return {"section": section_of(chapter), "origin": origin, "office": office}
