"""The worklist: declarations selected for control whose outcome is not yet recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet

from portcullis.engine.channels import Channel
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.queries import latest_decisions

WORK_CHANNELS = (Channel.RED.value, Channel.YELLOW.value, Channel.BLUE.value)
SORTS = {
    "waiting": ("assessed_at", "pk"),  # longest waiting first
    "risk": (F("risk_score").desc(nulls_last=True), "assessed_at"),
    "lodged": ("declaration__lodged_at", "pk"),
    "office": ("declaration__office__code", "assessed_at"),
}


@dataclass(frozen=True)
class WorklistFilter:
    offices: list[str] | None  # what the user may see; None: every office
    office: str = ""
    channel: str = ""
    mine: bool = False
    sort: str = "waiting"


def worklist(choice: WorklistFilter, user: AbstractBaseUser) -> QuerySet[Decision]:
    decisions = latest_decisions().filter(
        effective__in=WORK_CHANNELS, declaration__inspection__isnull=True
    )
    if choice.offices is not None:
        decisions = decisions.filter(declaration__office__code__in=choice.offices)
    if choice.office:
        decisions = decisions.filter(declaration__office__code=choice.office)
    if choice.channel in WORK_CHANNELS:
        decisions = decisions.filter(effective=choice.channel)
    if choice.mine:
        decisions = decisions.filter(Q(declaration__assignment__officer=user))
    return decisions.select_related(
        "declaration__office", "declaration__importer", "declaration__assignment__officer"
    ).order_by(*SORTS.get(choice.sort, SORTS["waiting"]))
