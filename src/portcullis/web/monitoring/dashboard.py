"""The dashboard's figures over a period: the flow, the selection, and what inspections
found.

The period is the user's to choose (by default the 30 days ending today, in the
installation's time zone: usecases.reports). A period with nothing in it says so, and
names the day of the latest declaration the user may see, so the page can point there."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from portcullis.engine.channels import Channel, Reason
from portcullis.engine.measurement import share
from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.declarations.reach import Reach
from portcullis.web.monitoring.compliance import RISK_REASONS, Compliance, compliance
from portcullis.web.monitoring.sections import HEAT_EDITION, section_of
from portcullis.web.periods import Period, day_start
from portcullis.web.reference.names import section_name
from portcullis.web.scoring.models import CurrentDecision
from portcullis.web.scoring.queries import current_decisions

TREND_WEEKS = 12
HEAT_ORIGINS = 10
SELECTED = (Channel.RED.value, Channel.YELLOW.value)


@dataclass(frozen=True)
class Rate:
    key: str
    inspected: int
    findings: int

    @property
    def rate(self) -> float | None:
        return share(self.findings, self.inspected)


@dataclass
class Dashboard:
    as_of: date | None  # the period's last day; None when the user may see no declaration
    period: Period | None = None
    latest: date | None = None  # the day of the latest declaration the user may see
    declared: int = 0  # declarations lodged in the period
    today: int = 0  # on its last day
    week: int = 0  # in its last 7 days
    decided: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    selected: int = 0
    by_channel: list[Rate] = field(default_factory=list)
    by_reason: list[Rate] = field(default_factory=list)
    revenue: Decimal = Decimal(0)
    findings: int = 0
    trend: dict[str, Any] = field(default_factory=dict)
    heat_origins: list[str] = field(default_factory=list)
    heat_rows: list[dict[str, Any]] = field(default_factory=list)
    compliance: Compliance | None = None

    @property
    def inspection_rate(self) -> float | None:
        return self.selected / self.decided if self.decided else None

    @property
    def window_start(self) -> date | None:
        return self.period.start if self.period else None

    @property
    def empty(self) -> bool:
        """No declaration the user may see was lodged in the period."""
        return self.declared == 0


def dashboard(reach: Reach, period: Period) -> Dashboard:
    """The figures over the declarations within ``reach`` lodged in ``period``."""
    declarations = Declaration.objects.filter(reach.q())
    latest = declarations.aggregate(latest=Max("lodged_at"))["latest"]
    if latest is None:
        return Dashboard(as_of=None)
    as_of = period.end
    start, end = period.bounds()
    figures = Dashboard(as_of=as_of, period=period, latest=timezone.localtime(latest).date())
    counts = declarations.filter(lodged_at__gte=start, lodged_at__lt=end).aggregate(
        declared=Count("pk"),
        today=Count("pk", filter=Q(lodged_at__gte=day_start(as_of))),
        week=Count("pk", filter=Q(lodged_at__gte=day_start(as_of - timedelta(days=6)))),
    )
    figures.declared, figures.today, figures.week = (
        counts["declared"],
        counts["today"],
        counts["week"],
    )
    if figures.empty:
        return figures  # the page says so and points to the latest declaration: no more to count
    current = current_decisions(reach)
    tally_selection(figures, current.filter(lodged_at__gte=start, lodged_at__lt=end))
    caught = sum(rate.findings for rate in figures.by_reason if rate.key in RISK_REASONS)
    figures.compliance = compliance(reach, start, end, caught)
    _trend(figures, current, as_of)
    _heat(
        figures,
        Item.objects.filter(
            reach.q("declaration__"),
            declaration__lodged_at__gte=start,
            declaration__lodged_at__lt=end,
            declaration__inspection__isnull=False,
        ),
    )
    return figures


_INSPECTED = Q(declaration__inspection__isnull=False)
_FOUND = Q(declaration__inspection__finding=True)


def tally_selection(figures: Dashboard, current: QuerySet[CurrentDecision]) -> None:
    rows = current.values("channel", "reason").annotate(
        n=Count("pk"),
        inspected=Count("pk", filter=_INSPECTED),
        findings=Count("pk", filter=_FOUND),
        revenue=Sum("declaration__inspection__revenue", filter=_FOUND),
    )
    channels: dict[str, int] = defaultdict(int)
    by_channel: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_reason: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        channels[row["channel"]] += row["n"]
        figures.decided += row["n"]
        figures.selected += row["n"] if row["channel"] in SELECTED else 0
        figures.findings += row["findings"]
        figures.revenue += row["revenue"] or Decimal(0)
        for table, key in ((by_channel, row["channel"]), (by_reason, row["reason"])):
            table[key][0] += row["inspected"]
            table[key][1] += row["findings"]
    figures.channels = {c.value: channels.get(c.value, 0) for c in Channel}
    figures.by_channel = [
        Rate(c.value, *by_channel[c.value]) for c in Channel if c.value in by_channel
    ]
    figures.by_reason = [Rate(r.value, *by_reason[r.value]) for r in Reason if r.value in by_reason]


def _trend(figures: Dashboard, current: QuerySet[CurrentDecision], as_of: date) -> None:
    """Weekly counts, Monday to Sunday. The week of each row is a CASE over plain range
    conditions: a date function per row (a Python function on SQLite) costs more than the
    counting."""
    this_monday = as_of - timedelta(days=as_of.weekday())
    mondays = [this_monday - timedelta(weeks=k) for k in range(TREND_WEEKS - 1, -1, -1)]
    week = Case(
        *(
            When(lodged_at__lt=day_start(monday + timedelta(days=7)), then=Value(k))
            for k, monday in enumerate(mondays)
        ),
        output_field=IntegerField(),
    )
    period = current.filter(
        lodged_at__gte=day_start(mondays[0]), lodged_at__lt=day_start(as_of + timedelta(days=1))
    ).annotate(week=week)
    flow = period.values("week").annotate(
        n=Count("pk"), selected=Count("pk", filter=Q(channel__in=SELECTED))
    )
    # Outcomes counted apart, over the inspected tenth alone: joining every declaration of
    # the period to its inspection cost more than all the rest of the trend.
    outcomes = (
        period.filter(_INSPECTED)
        .values("week")
        .annotate(inspected=Count("pk"), findings=Count("pk", filter=_FOUND))
    )
    weeks = {k: {"n": 0, "selected": 0, "inspected": 0, "findings": 0} for k in range(TREND_WEEKS)}
    for row in [*flow, *outcomes]:
        if row["week"] is not None:
            weeks[row["week"]].update({k: v for k, v in row.items() if k != "week"})
    counted = [weeks[k] for k in range(TREND_WEEKS)]
    figures.trend = {
        "labels": [monday.isoformat() for monday in mondays],
        "declared": [w["n"] for w in counted],
        "selected": [w["selected"] for w in counted],
        "finding_rate": [
            round(w["findings"] / w["inspected"] * 100, 1) if w["inspected"] else None
            for w in counted
        ],
    }


def _heat(figures: Dashboard, items: Any) -> None:
    """Finding rates of inspected items by HS section × origin (the busiest origins)."""
    rows = (
        items.annotate(chapter=Substr("hs_code", 1, 2))
        .values("chapter", "origin_country")
        .annotate(
            n=Count("pk"), findings=Count("pk", filter=Q(declaration__inspection__finding=True))
        )
    )
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    per_origin: dict[str, int] = defaultdict(int)
    for row in rows:
        section = section_of(row["chapter"])
        cells[(section, row["origin_country"])][0] += row["n"]
        cells[(section, row["origin_country"])][1] += row["findings"]
        per_origin[row["origin_country"]] += row["n"]
    origins = sorted(per_origin, key=lambda o: (-per_origin[o], o))[:HEAT_ORIGINS]
    sections = sorted({s for s, _ in cells}, key=_roman)
    figures.heat_origins = origins
    figures.heat_rows = [
        {
            "section": section,
            "name": section_name(section, HEAT_EDITION),
            "cells": [_cell(*cells.get((section, origin), (0, 0))) for origin in origins],
        }
        for section in sections
        if any((section, origin) in cells for origin in origins)
    ]


def _cell(inspected: int, findings: int) -> dict[str, Any]:
    rate = share(findings, inspected)
    # Seven shades; fewer than 5 inspections are too few to colour at all.
    level = 0 if rate is None or inspected < 5 else 1 + min(5, int(rate * 10))
    return {"inspected": inspected, "findings": findings, "rate": rate, "level": level}


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(numeral: str) -> int:
    total = 0
    for symbol, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN.get(symbol, 0)
        total += -value if following and _ROMAN.get(following, 0) > value else value
    return total
