"""Setting up the demonstration: what it loaded, the officers' worklist, users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q

from portcullis.engine.channels import Channel
from portcullis.web.accounts.models import Account
from portcullis.web.audit.services import record
from portcullis.web.declarations.models import Declaration, Item
from portcullis.web.inspections.feedback import outcomes_changed
from portcullis.web.inspections.models import Inspection
from portcullis.web.reference.models import Country, HsCode, Office
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.queries import current_decisions
from portcullis.web.scoring.state import history_rewritten
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.reference import update_office


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


WORKLIST_DAYS = 7


def leave_latest_selections_open(days: int = WORKLIST_DAYS) -> int:
    """The KCS file carries every outcome; a live system would not know yet what the
    officers will find in the declarations selected over the last ``days``. Their outcomes
    are held back, so that the officers' worklist has work in it. Returns how many."""
    latest = Declaration.objects.aggregate(latest=Max("lodged_at"))["latest"]
    if latest is None:
        return 0
    selected = (
        current_decisions()
        .filter(lodged_at__gt=latest - timedelta(days=days))
        .exclude(channel=Channel.GREEN.value)
        .values("declaration_id")
    )
    held = Inspection.objects.filter(source=Inspection.Source.IMPORTED, declaration_id__in=selected)
    with transaction.atomic():
        pks = list(held.values_list("declaration_id", flat=True))
        count = len(pks)
        if count:
            held.delete()
            outcomes_changed(pks)
            record(
                None,
                "demo.open_worklist",
                "worklist",
                f"held back the imported outcomes of {count} declarations selected in the "
                f"last {days} days, for the officers' worklist",
            )
            history_rewritten()
    return count


def post_officer(username: str, offices: int = 2) -> list[str]:
    """Post the demo officer to the offices with the most work waiting."""
    busiest = list(
        current_decisions()
        .exclude(channel=Channel.GREEN.value)
        .filter(declaration__inspection__isnull=True)
        .values_list("office__code", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n")[:offices]
    )
    user = get_user_model().objects.get(username=username)
    account, _ = Account.objects.get_or_create(user=user)
    account.offices.set(Office.objects.filter(code__in=busiest))
    return busiest


# The demo world's offices (codes 10 to 29, engine.synthetic), with names of its own: a
# fictional country's ports, airports and inland posts, so pages read "27 — Eastgate Road".
DEMO_OFFICE_NAMES = (
    "Capital Airport Cargo",
    "North Harbour",
    "South Harbour",
    "Capital Express Centre",
    "River Port",
    "Eastgate Road",
    "West Rail Terminal",
    "Bay Container Terminal",
    "Inland Clearance Depot",
    "Free Zone",
    "Postal Exchange",
    "Lakeside Airport",
    "Hill Pass Road",
    "Old Port",
    "Ferry Terminal",
    "Industrial Park",
    "Border Rail",
    "Island Port",
    "Northern Airport",
    "Valley Road",
)


def name_offices() -> int:
    """Name the demo's offices that have no name yet (through the audited use case)."""
    named = 0
    for number, name in enumerate(DEMO_OFFICE_NAMES):
        office = Office.objects.filter(code=str(10 + number), name="").first()
        if office is not None:
            update_office(Actor.system(), office.pk, name=name)
            named += 1
    return named
