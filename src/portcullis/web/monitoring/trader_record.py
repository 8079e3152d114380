"""A trader's record: declarations, findings, compliance by month, linked parties."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from portcullis.engine.measurement import share
from portcullis.web.declarations.models import Declaration
from portcullis.web.traders.models import Trader

ROLE_FIELDS = {role.value: role.value for role in Trader.Role}  # the Declaration field per role
LINKED = {  # whom a trader's declarations name beside it
    "importer": ("declarant", "seller"),
    "declarant": ("importer", "seller"),
    "seller": ("importer", "declarant"),
    "courier": ("importer", "declarant"),
}
LINKED_SHOWN = 10


@dataclass
class TraderRecord:
    trader: Trader
    declarations: int = 0
    inspected: int = 0
    findings: int = 0
    revenue: Decimal = Decimal(0)
    months: list[dict[str, Any]] = field(default_factory=list)
    linked: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)


def trader_declarations(trader: Trader, scope: Q) -> QuerySet[Declaration]:
    return Declaration.objects.filter(scope, **{ROLE_FIELDS[trader.role]: trader})


def trader_record(trader: Trader, scope: Q) -> TraderRecord:
    declarations = trader_declarations(trader, scope)
    if scope:  # some offices only: counted from their declarations
        totals = declarations.aggregate(
            declarations=Count("pk"),
            inspected=Count("inspection"),
            findings=Count("pk", filter=Q(inspection__finding=True)),
            revenue=Sum("inspection__revenue", filter=Q(inspection__finding=True)),
        )
    else:  # the whole service: the stored figures every outcome keeps current
        totals = {
            "declarations": declarations.count(),
            "inspected": trader.inspected,
            "findings": trader.findings,
            "revenue": trader.revenue,
        }
    record = TraderRecord(
        trader,
        totals["declarations"],
        totals["inspected"],
        totals["findings"],
        totals["revenue"] or Decimal(0),
    )
    months = (
        declarations.annotate(month=TruncMonth("lodged_at"))
        .values("month")
        .annotate(
            n=Count("pk"),
            inspected=Count("inspection"),
            findings=Count("pk", filter=Q(inspection__finding=True)),
        )
        .order_by("month")
    )
    record.months = [
        {
            "month": row["month"].date().isoformat()[:7] if row["month"] else "",
            "declarations": row["n"],
            "inspected": row["inspected"],
            "rate": round(row["findings"] / row["inspected"] * 100, 1)
            if row["inspected"]
            else None,
        }
        for row in months
    ]
    for role in LINKED[trader.role]:
        rows = (
            declarations.filter(**{f"{role}__isnull": False})
            .values(f"{role}__role", f"{role}__code")
            .annotate(n=Count("pk"), findings=Count("pk", filter=Q(inspection__finding=True)))
            .order_by("-n")[:LINKED_SHOWN]
        )
        record.linked[role] = [
            {
                "role": r[f"{role}__role"],
                "code": r[f"{role}__code"],
                "declarations": r["n"],
                "findings": r["findings"],
            }
            for r in rows
        ]
    return record
