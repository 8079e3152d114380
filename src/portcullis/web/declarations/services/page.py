"""Everything the declaration page shows, gathered in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from portcullis.engine.channels import Channel
from portcullis.engine.measurement import share
from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.models import Inspection
from portcullis.web.reference.names import hs_description
from portcullis.web.scoring.models import Decision, effective_channel
from portcullis.web.traders.models import Trader


@dataclass(frozen=True)
class TraderHistory:
    trader: Trader
    declarations: int
    inspected: int
    findings: int

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)


@dataclass
class DeclarationPage:
    declaration: Declaration
    items: list[dict[str, Any]]
    decisions: list[Decision]
    inspection: Inspection | None
    history: list[TraderHistory]

    @property
    def latest(self) -> Decision | None:
        return self.decisions[0] if self.decisions else None

    @property
    def channel(self) -> str | None:
        return effective_channel(self.latest) if self.latest else None

    @property
    def selected(self) -> bool:
        return self.channel is not None and self.channel != Channel.GREEN.value

    @property
    def factors(self) -> list[dict[str, Any]]:
        factors = list(self.latest.factors) if self.latest else []
        largest = max((abs(f.get("contribution") or 0) for f in factors), default=0)
        return [{**f, "largest": largest} for f in factors]

    def may_record(self, user: AbstractBaseUser) -> bool:
        return (
            self.selected
            and self.inspection is None
            and user.has_perm("inspections.add_inspection")
        )

    def may_override(self, user: AbstractBaseUser) -> bool:
        latest = self.latest
        return (
            latest is not None
            and self.inspection is None
            and getattr(latest, "override", None) is None
            and user.has_perm("scoring.override_decision")
        )


def declaration_page(declaration: Declaration) -> DeclarationPage:
    decisions = list(
        Decision.objects.filter(declaration=declaration)
        .select_related(
            "model_version", "policy_version", "profile_set", "override__by", "requested_by"
        )
        .prefetch_related("profile_hits__profile_version__profile")
        .order_by("-assessed_at", "-id")
    )
    scores = {s["line_no"]: s for s in (decisions[0].item_scores if decisions else [])}
    items = [
        {
            "item": item,
            "description": hs_description(item.hs_code, declaration.hs_edition),
            "score": scores.get(item.line_no, {}),
        }
        for item in declaration.items.order_by("line_no")
    ]
    inspection = (
        Inspection.objects.filter(declaration=declaration).select_related("recorded_by").first()
    )
    return DeclarationPage(
        declaration=declaration,
        items=items,
        decisions=decisions,
        inspection=inspection,
        history=trader_history(declaration),
    )


def trader_history(declaration: Declaration) -> list[TraderHistory]:
    """The importer's and the declarant's record before this declaration."""
    history = []
    for trader, field in ((declaration.importer, "importer"), (declaration.declarant, "declarant")):
        figures = Declaration.objects.filter(
            **{field: trader}, lodged_at__lt=declaration.lodged_at
        ).aggregate(
            declarations=Count("pk"),
            inspected=Count("inspection"),
            findings=Count("pk", filter=Q(inspection__finding=True)),
        )
        history.append(TraderHistory(trader, **figures))
    return history
