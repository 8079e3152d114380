"""Queries over decisions and where declarations stand that several use cases share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.reach import Reach
from portcullis.web.scoring.models import CurrentDecision, Decision


def current_decisions(reach: Reach | None = None) -> QuerySet[CurrentDecision]:
    """Each declaration's latest decision, with the channel that applies, within ``reach``
    (None: every declaration). The office is the row's own copy (no join)."""
    rows = CurrentDecision.objects.all()
    if reach is not None and not reach.everything:
        rows = rows.filter(reach.q("declaration__", office="office"))
    return rows


def latest_decisions(pks: Sequence[int]) -> dict[int, Decision]:
    """Each declaration's latest decision, with its profile hits in ``hits``."""
    latest: dict[int, Decision] = {}
    if not pks:
        return latest
    rows = Decision.objects.filter(declaration_id__any=list(pks)).order_by(
        "declaration_id", "-assessed_at", "-id"
    )
    for decision in rows.prefetch_related("profile_hits"):
        latest.setdefault(decision.declaration_id, decision)
    for decision in latest.values():
        decision.hits = list(decision.profile_hits.all())  # type: ignore[attr-defined]
    return latest


_IDS_PER_QUERY = 5000  # bound the parameters of one query (SQLite allows 32,766)


def undecided(declaration_ids: Iterable[str], reach: Reach | None = None) -> list[int]:
    """Primary keys of the stored declarations among ``declaration_ids`` (within ``reach``)
    with no decision."""
    ids = list(declaration_ids)
    pks: list[int] = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        found = Declaration.objects.filter(declaration_id__in=chunk, decisions__isnull=True)
        if reach is not None:
            found = found.filter(reach.q())
        pks.extend(found.values_list("pk", flat=True))
    return sorted(pks)
