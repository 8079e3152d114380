"""The worklist: declarations selected for control whose outcome is not yet recorded."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.expressions import OrderBy

from portcullis.engine.channels import Channel
from portcullis.web.declarations.models import Item
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
    rows = _waiting(reach, choice, user)
    # The goods at a glance: the first line's code and words, and how many lines there are
    # (computed for the rows of the page only).
    lines = Item.objects.filter(declaration_id=OuterRef("declaration_id"))
    first = lines.order_by("line_no")
    counted = lines.order_by().values("declaration_id").annotate(n=Count("*")).values("n")
    return (
        rows.select_related("office", "declaration__importer", "declaration__assignment__officer")
        .annotate(
            first_hs=Subquery(first.values("hs_code")[:1]),
            first_goods=Subquery(first.values("description")[:1]),
            lines=Subquery(counted[:1]),
        )
        .order_by(*SORTS.get(choice.sort, SORTS["waiting"]))
    )


def _waiting(reach: Reach, choice: WorklistFilter, user: User | None) -> QuerySet[CurrentDecision]:
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
    return rows


@dataclass(frozen=True)
class WorklistCounts:
    """What waits, by channel and by office, under the filter's office and "mine" (every
    channel: the counts are how to choose one)."""

    channels: dict[str, int]
    offices: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.channels.values())


def worklist_counts(reach: Reach, choice: WorklistFilter, user: User | None) -> WorklistCounts:
    rows = _waiting(reach, replace(choice, channel=""), user).order_by()
    by_channel = rows.values_list("channel").annotate(n=Count("pk"))
    by_office = rows.values_list("office__code").annotate(n=Count("pk"))
    channels = dict(by_channel.values_list("channel", "n"))
    return WorklistCounts(
        {channel: channels.get(channel, 0) for channel in WORK_CHANNELS},
        dict(sorted(by_office.values_list("office__code", "n"))),
    )
