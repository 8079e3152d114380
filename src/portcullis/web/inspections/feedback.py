"""What an outcome and a hit feed back: the stored figures of the traders on a declaration
and of the profiles that hit it, changed in the transaction that changed the outcome or
stored the hit, so that no reader ever sees an outcome without its figures or figures
without their outcome.

Nothing is counted again: each declaration's row in ``CountedOutcome`` says what its outcome
adds to the figures now and for which traders; a change adds the difference between that and
the outcome as it stands (web.counters). The cost is that of the declarations changed,
whatever the length of the history.

Both entry points work on declarations whose rows their transaction holds: locked (an
officer's result, a correction, an amendment, ``count_hits`` itself) or inserted by it (an
import): an outcome and a first hit on the same declaration therefore never miss each other.

(The compliance estimates and the engine's trader history read the outcomes themselves,
so they need no stored copy: see monitoring.compliance and scoring.state.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from portcullis.web.bulk import bulk_insert
from portcullis.web.counters import Change, Counted
from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.models import CountedOutcome
from portcullis.web.profiles.figures import add_hits, apply_profile_changes, hit_times_changed
from portcullis.web.profiles.models import ProfileDeclaration
from portcullis.web.traders.figures import apply_trader_changes

_ROLES = ("importer_id", "declarant_id", "seller_id", "courier_id")


def _counting(lodged_at: datetime, finding: bool, revenue: Decimal | None) -> Counted:
    return Counted(finding, (revenue or Decimal(0)) if finding else Decimal(0), lodged_at)


def outcomes_changed(declaration_pks: Iterable[int]) -> None:
    """Call inside the transaction that recorded, imported, corrected or removed the
    outcomes of ``declaration_pks``, or changed what they count for (an amendment)."""
    pks = sorted(set(declaration_pks))
    if not pks:
        return
    now = {
        pk: (traders, lodged_at, finding, revenue)
        for pk, lodged_at, finding, revenue, *traders in Declaration.objects.filter(pk__any=pks)
        .values_list("pk", "lodged_at", "inspection__finding", "inspection__revenue", *_ROLES)
        .iterator(chunk_size=5_000)
    }
    before = {row.pk: row for row in CountedOutcome.objects.filter(declaration_id__any=pks)}
    hit_by: dict[int, list[int]] = defaultdict(list)
    for profile_id, declaration_id in ProfileDeclaration.objects.filter(
        declaration_id__any=pks
    ).values_list("profile_id", "declaration_id"):
        hit_by[declaration_id].append(profile_id)
    traders: dict[int, Change] = defaultdict(Change)
    profiles: dict[int, Change] = defaultdict(Change)
    gone: list[int] = []
    written: list[dict[str, Any]] = []
    for pk in pks:
        old = before.get(pk)
        was = None if old is None else _counting(old.lodged_at, old.finding, old.revenue)
        was_for = () if old is None else tuple(getattr(old, role) for role in _ROLES)
        roles, lodged_at, finding, revenue = now.get(pk, ((), None, None, None))
        is_ = None if finding is None else _counting(lodged_at, finding, revenue)
        if (was, was_for) == (is_, tuple(roles) if is_ else ()):
            continue
        if was is not None:
            for trader in filter(None, was_for):
                traders[trader].take_back(was)
            for profile in hit_by[pk]:
                profiles[profile].take_back(was)
            gone.append(pk)
        if is_ is not None:
            for trader in filter(None, roles):
                traders[trader].add(is_)
            for profile in hit_by[pk]:
                profiles[profile].add(is_)
            gone.append(pk)
            written.append(
                {
                    "declaration_id": pk,
                    **dict(zip(_ROLES, roles, strict=True)),
                    "lodged_at": lodged_at,
                    "finding": finding,
                    "revenue": is_.revenue,
                }
            )
    if gone:
        CountedOutcome.objects.filter(pk__any=gone).delete()
        bulk_insert(CountedOutcome, written)
    apply_trader_changes(traders)
    apply_profile_changes(profiles)


def count_hits(hits: Iterable[tuple[int, int]]) -> None:
    """(profile id, declaration pk) of the hits a decision just stored: a declaration a
    profile hits for the first time counts once in its hits, with its outcome if it has one.
    Call inside the transaction that stored the decisions."""
    pairs = set(hits)
    if not pairs:
        return
    declarations = sorted({pk for _, pk in pairs})
    # Locked (in primary-key order), so that an outcome recorded on one of them meanwhile
    # (outcomes_changed) is counted by one of the two, never by neither.
    lodged = dict(
        Declaration.objects.select_for_update()
        .filter(pk__any=declarations)
        .order_by("pk")
        .values_list("pk", "lodged_at")
    )
    known = set(
        ProfileDeclaration.objects.filter(
            declaration_id__any=declarations, profile_id__any={p for p, _ in pairs}
        ).values_list("profile_id", "declaration_id")
    )
    new = sorted(pairs - known)
    if not new:
        return
    bulk_insert(
        ProfileDeclaration,
        [{"profile_id": p, "declaration_id": d, "lodged_at": lodged[d]} for p, d in new],
    )
    first_hits: dict[int, list[datetime]] = defaultdict(list)
    for profile, declaration in new:
        first_hits[profile].append(lodged[declaration])
    add_hits(first_hits)
    counted = {
        row.pk: _counting(row.lodged_at, row.finding, row.revenue)
        for row in CountedOutcome.objects.filter(pk__any={d for _, d in new})
    }
    profiles: dict[int, Change] = defaultdict(Change)
    for profile, declaration in new:
        if declaration in counted:
            profiles[profile].add(counted[declaration])
    apply_profile_changes(profiles)


def hits_relodged(declaration_pk: int) -> None:
    """An amendment changed when the declaration was lodged: the profiles that hit it count
    its new time among their first and last hits."""
    lodged_at = Declaration.objects.values_list("lodged_at", flat=True).get(pk=declaration_pk)
    hits = ProfileDeclaration.objects.filter(declaration_id=declaration_pk)
    profiles = sorted(hits.values_list("profile_id", flat=True))
    if profiles:
        hits.update(lodged_at=lodged_at)
        hit_times_changed(profiles)
