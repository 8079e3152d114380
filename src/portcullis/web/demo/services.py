"""Setting up the demonstration: database, reference data, the bundled KCS data, users."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db.models import Count, Q

from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.inspections.models import Inspection
from portcullis.web.reference.models import Country, HsCode, Office
from portcullis.web.scoring.models import Decision
from portcullis.web.traders.models import Trader

BUNDLED_KCS = ("declarations-2020.csv.gz", "declarations-2021q1.csv.gz")


@contextmanager
def bundled_file(name: str) -> Iterator[Path]:
    with resources.as_file(resources.files("portcullis.data.kcs").joinpath(name)) as path:
        yield path


@dataclass(frozen=True)
class Contents:
    declarations: int
    items: int
    inspections: int
    findings: int
    traders: dict[str, int]
    decisions: int
    offices: int
    hs_codes: int
    countries: int

    def lines(self) -> list[str]:
        traders = ", ".join(f"{count:,} {role}s" for role, count in self.traders.items())
        return [
            f"Declarations: {self.declarations:,} ({self.items:,} items)",
            f"Inspection outcomes: {self.inspections:,} ({self.findings:,} with a finding)",
            f"Traders: {traders}",
            f"Decisions: {self.decisions:,}",
            f"Customs offices: {self.offices:,}",
            f"Reference: {self.hs_codes:,} HS codes, {self.countries:,} countries",
        ]


def decided_in(declaration_ids: list[str]) -> list[int]:
    """The latest decision on each of the declarations (for the demo's summary)."""
    latest: dict[int, int] = {}
    for start in range(0, len(declaration_ids), 5000):
        chunk = declaration_ids[start : start + 5000]
        rows = Decision.objects.filter(declaration__declaration_id__in=chunk).values_list(
            "declaration_id", "pk"
        )
        for declaration, decision in rows:
            latest[declaration] = max(decision, latest.get(declaration, 0))
    return sorted(latest.values())


def contents() -> Contents:
    inspections = Inspection.objects.aggregate(
        total=Count("pk"), findings=Count("pk", filter=Q(finding=True))
    )
    traders = dict(Trader.objects.values_list("role").annotate(n=Count("pk")).order_by("role"))
    return Contents(
        declarations=Declaration.objects.count(),
        items=Item.objects.count(),
        inspections=inspections["total"],
        findings=inspections["findings"],
        traders={label.lower(): traders.get(role, 0) for role, label in Trader.Role.choices},
        decisions=Decision.objects.count(),
        offices=Office.objects.count(),
        hs_codes=HsCode.objects.count(),
        countries=Country.objects.count(),
    )
