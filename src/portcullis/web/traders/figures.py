"""Each trader's stored compliance figures: kept equal to its inspection outcomes by adding
the difference an outcome makes (``apply_trader_changes``, from inspections.feedback, in the
outcome's own transaction: see web.counters), and counted again from every outcome only by
``recount_trader_figures``, the check that the two agree (and the repair if they ever did
not)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps as installed
from django.db import connections
from django.db.models import Count, Max, Q, Sum

from portcullis.engine.schema import TraderRole
from portcullis.web.counters import Change, apply_changes

FIGURES = ("inspected", "findings", "revenue", "last_finding_lodged_at")
ZERO = {"inspected": 0, "findings": 0, "revenue": Decimal(0), "last_finding_lodged_at": None}
_FOUND = Q(inspection__finding=True)


def apply_trader_changes(changes: dict[int, Change]) -> None:
    """Add each trader's change (by primary key) to its figures."""
    apply_changes(installed.get_model("traders", "Trader"), changes, _latest_findings)


def _latest_findings(trader_ids: list[int]) -> dict[int, Any]:
    """The latest finding of each trader, as the outcomes stand: looked up through the
    declarations' index on the trader's role, only when a finding was taken back from it."""
    trader = installed.get_model("traders", "Trader")
    declaration = installed.get_model("declarations", "Declaration")
    found = {}
    for pk, role in trader.objects.filter(pk__in=trader_ids).values_list("pk", "role"):
        rows = declaration.objects.filter(**{f"{role}_id": pk}).filter(_FOUND)
        found[pk] = rows.aggregate(latest=Max("lodged_at"))["latest"]
    return found


def recount_trader_figures() -> int:
    """Count every trader's figures again from every outcome, and store them; returns how
    many traders have outcomes."""
    trader = installed.get_model("traders", "Trader")
    declaration = installed.get_model("declarations", "Declaration")
    trader.objects.update(**ZERO)
    figures: dict[int, dict[str, Any]] = {}
    for role in TraderRole:
        column = f"{role.value}_id"
        rows = (
            declaration.objects.filter(inspection__isnull=False, **{f"{column}__isnull": False})
            .values(column)
            .annotate(
                inspected=Count("inspection"),
                findings=Count("inspection", filter=_FOUND),
                revenue=Sum("inspection__revenue", filter=_FOUND),
                last_finding_lodged_at=Max("lodged_at", filter=_FOUND),
            )
            .order_by()
        )
        for row in rows:
            pk = row.pop(column)
            row["revenue"] = row["revenue"] or Decimal(0)
            figures[pk] = row
    _write(trader, figures)
    return len(figures)


def _write(trader: Any, figures: dict[int, dict[str, Any]]) -> None:
    """One UPDATE per trader, sent as a batch: bulk_update's single statement of CASE
    expressions cost seconds to build for thousands of traders."""
    if not figures:
        return
    connection = connections[trader.objects.db]
    quote = connection.ops.quote_name
    fields = [trader._meta.get_field(name) for name in FIGURES]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (  # names from the model's own metadata, quoted; every value is a parameter
        f"UPDATE {quote(trader._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(trader._meta.pk.column)} = %s"
    )
    rows = [
        [field.get_db_prep_save(values[field.name], connection) for field in fields] + [pk]
        for pk, values in sorted(figures.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
