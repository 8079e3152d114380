"""Keeping each trader's stored compliance figures equal to its inspection outcomes.

The figures are recomputed for the traders an outcome touches, inside the outcome's own
transaction and after locking those traders' rows (in primary-key order, so two writers never
wait on each other in a circle). A second writer for the same trader waits for the lock, and
its count (a new statement under READ COMMITTED) then sees the first writer's outcome: no
update is lost, which plain "read, add one, write" would not guarantee."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps as installed
from django.apps.registry import Apps
from django.db import connections
from django.db.models import Count, Max, Q, Sum

from portcullis.engine.schema import TraderRole

FIGURES = ("inspected", "findings", "revenue", "last_finding_lodged_at")
ZERO = {"inspected": 0, "findings": 0, "revenue": Decimal(0), "last_finding_lodged_at": None}
_FOUND = Q(inspection__finding=True)


def traders_of(declaration_pks: Iterable[int], registry: Apps = installed) -> set[int]:
    declaration = registry.get_model("declarations", "Declaration")
    rows = declaration.objects.filter(pk__in=list(declaration_pks)).values_list(
        *(f"{role.value}_id" for role in TraderRole)
    )
    return {pk for row in rows for pk in row if pk is not None}


def refresh_trader_figures(
    trader_ids: Iterable[int] | None = None, registry: Apps = installed
) -> int:
    """Recompute the figures of ``trader_ids`` (every trader when None, as a migration does);
    returns how many traders were written. Call inside the transaction that changed the
    outcomes. ``registry`` lets a migration pass its historical models."""
    trader = registry.get_model("traders", "Trader")
    declaration = registry.get_model("declarations", "Declaration")
    if trader_ids is None:
        trader.objects.update(**ZERO)
        scope: dict[str, Any] = {"inspection__isnull": False}
        ids = None
    else:
        ids = sorted(set(trader_ids))
        if not ids:
            return 0
        list(trader.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        scope = {}
    figures: dict[int, dict[str, Any]] = {pk: dict(ZERO) for pk in ids or ()}
    for role in TraderRole:
        column = f"{role.value}_id"
        rows = (
            declaration.objects.filter(
                **scope, **({f"{column}__in": ids} if ids else {f"{column}__isnull": False})
            )
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
    changed = {pk: values for pk, values in figures.items() if ids or values["inspected"]}
    _write(trader, changed)
    return len(changed)


def _write(trader: Any, figures: dict[int, dict[str, Any]]) -> None:
    """One UPDATE per trader, sent as a batch: an import touches thousands of traders, and
    bulk_update's single statement of CASE expressions cost seconds to build for them."""
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
