"""The worklist: declarations selected for control whose outcome is not yet recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.expressions import OrderBy

from portcullis.engine.channels import Channel
from portcullis.web.declarations.reach import Reach
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring.models import CurrentDecision
from portcullis.web.scoring.queries import current_decisions

WORK_CHANNELS = (Channel.RED.value, Channel.YELLOW.value, Channel.BLUE.value)
SORTS: dict[str, tuple[str | OrderBy, str]] = {
    "waiting": ("assessed_at", "pk"),  # longest waiting first
    "risk": (F("risk_score").desc(nulls_last=True), "pk"),
    "lodged": ("lodged_at", "pk"),
    "office": ("office__code", "assessed_at"),
}


@dataclass(frozen=True)
class WorklistFilter:
    office: str = ""
    channel: str = ""
    mine: bool = False
    sort: str = "waiting"


def worklist_rows(
    reach: Reach, choice: WorklistFilter, user: User | None
) -> QuerySet[CurrentDecision]:
    """What waits within ``reach``; ``choice.mine``: taken by ``user``."""
    # NOT EXISTS straight from the current row: a join through the declaration made the
    # databases read every declaration to find the few thousand open ones.
    recorded = Inspection.objects.filter(declaration_id=OuterRef("declaration_id"))
    rows = current_decisions(reach).filter(~Exists(recorded), channel__in=WORK_CHANNELS)
    if choice.office:
        rows = rows.filter(office__code=choice.office)
    if choice.channel in WORK_CHANNELS:
        rows = rows.filter(channel=choice.channel)
    if choice.mine:
        rows = rows.filter(declaration__assignment__officer=user)
    return rows.select_related(
        "office", "declaration__importer", "declaration__assignment__officer"
    ).order_by(*SORTS.get(choice.sort, SORTS["waiting"]))
