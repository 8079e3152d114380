"""Everything the declaration page (and the API's reading of a declaration) shows, in a
fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from portcullis.engine.channels import Channel
from portcullis.engine.conversion import lodging_day
from portcullis.engine.measurement import share
from portcullis.web.declarations.models import Declaration, DeclarationRevision
from portcullis.web.declarations.reach import Reach
from portcullis.web.inspections.models import Inspection
from portcullis.web.reference.code_labels import code_labels
from portcullis.web.reference.names import hs_description
from portcullis.web.reference.rates import rate_book
from portcullis.web.scoring.models import Decision, effective_channel
from portcullis.web.scoring.summary import Summary, factor_text, line_fields, summarise
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
    decisions: list[Decision]  # newest first
    inspection: Inspection | None
    revisions: list[DeclarationRevision]  # earlier versions, oldest first
    reach: Reach

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
        """The model's factors for the riskiest item, in the reader's words."""
        factors = list(self.latest.factors) if self.latest else []
        largest = max((abs(f.get("contribution") or 0) for f in factors), default=0)
        top = self.fields.get((self.latest.top_line_no if self.latest else None) or 1, {})
        currency = settings.PORTCULLIS_NATIONAL_CURRENCY
        return [
            {**f, "text": factor_text(f["feature"], top, currency), "largest": largest}
            for f in factors
        ]

    @cached_property
    def fields(self) -> dict[int, dict[str, Any]]:
        """Each item's fields by line, as the latest decision saw them."""
        if self.latest is None:
            return {}
        return line_fields(self.latest, self.declaration, self.items)

    @cached_property
    def codes(self) -> dict[str, str]:
        """The header's codes with their meaning ("1 — sea")."""
        declaration = self.declaration
        return code_labels(
            {"procedure": declaration.procedure, "transport_mode": declaration.transport_mode}
        )

    @cached_property
    def summary(self) -> Summary | None:
        """The latest decision in the officer's words, with what to check."""
        if self.latest is None:
            return None
        return summarise(self.latest, self.fields, settings.PORTCULLIS_NATIONAL_CURRENCY)

    @cached_property
    def history(self) -> list[TraderHistory]:
        """The importer's and the declarant's record before this declaration, over the
        declarations the reader may see."""
        declaration = self.declaration
        visible = Declaration.objects.filter(self.reach.q(), lodged_at__lt=declaration.lodged_at)
        history = []
        for trader, role in (
            (declaration.importer, "importer"),
            (declaration.declarant, "declarant"),
        ):
            figures = visible.filter(**{role: trader}).aggregate(
                declarations=Count("pk"),
                inspected=Count("inspection"),
                findings=Count("pk", filter=Q(inspection__finding=True)),
            )
            history.append(TraderHistory(trader, **figures))
        return history


PAGE_RELATIONS = (
    "office", "declarant", "importer", "seller", "courier", "assignment__officer",
)  # fmt: skip


def declaration_page(declaration: Declaration, reach: Reach) -> DeclarationPage:
    """``declaration`` loaded with PAGE_RELATIONS."""
    decisions = list(
        Decision.objects.filter(declaration=declaration)
        .select_related(
            "model_version", "policy_version", "profile_set", "override__by", "requested_by"
        )
        .prefetch_related("profile_hits__profile_version__profile")
        .order_by("-assessed_at", "-id")
    )
    scores = {s["line_no"]: s for s in (decisions[0].item_scores if decisions else [])}
    national, day = settings.PORTCULLIS_NATIONAL_CURRENCY, lodging_day(declaration.lodged_at)
    book = rate_book(national)
    items = [
        {
            "item": item,
            "description": hs_description(item.hs_code, declaration.hs_edition),
            "score": scores.get(item.line_no, {}),
            # The invoice amount stays as declared; beside it, what the engine compared.
            "national": None
            if item.currency == national
            else {
                "value": book.national_amount(item.customs_value, item.currency, day),
                "currency": national,
            },
        }
        for item in declaration.items.order_by("line_no")
    ]
    inspection = (
        Inspection.objects.filter(declaration=declaration)
        .select_related("recorded_by")
        .prefetch_related("corrections__by")
        .first()
    )
    return DeclarationPage(
        declaration=declaration,
        items=items,
        decisions=decisions,
        inspection=inspection,
        revisions=list(declaration.revisions.order_by("version")),
        reach=reach,
    )
