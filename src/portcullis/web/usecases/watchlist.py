"""Watchlist entries: list and read them, add one with a reason, change one (the old entry
is revoked and its successor recorded, so that the entries in force at any past moment stay
known), revoke one. Every change tells the serving engines at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from portcullis.engine.reference import COUNTRY_CODES
from portcullis.engine.watchlist import WatchKind, WatchlistError
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.codes import assign_code, provisional_code
from portcullis.web.errors import Invalid, NotAllowedNow, NotFound, field_problem, refusal
from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.intelligence.watchlist import engine_entry
from portcullis.web.reference.lists import kind_of
from portcullis.web.scoring.state import engine_changed
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic

READ = "intelligence.view_watchlistentry"
WRITE = "intelligence.add_watchlistentry"


@dataclass(frozen=True)
class EntryInput:
    kind: str
    value: str
    reason: str
    weight: float = 0.5
    valid_from: datetime | None = None
    expires_at: datetime | None = None
    named_list: str = ""  # instead of a value: every value of this named list


# Which lists an entry of each kind may watch.
_LIST_KINDS = {
    "importer": "trader", "declarant": "trader", "seller": "trader", "courier": "trader",
    "goods": "goods", "origin": "country",
}  # fmt: skip


READERS = (Scope.RISK_READ, Scope.PROFILES)  # whoever manages the watchlist reads it


@use_case("watchlist.list", N_("read the watchlist"), permission=READ, scope=READERS)
def list_entries(actor: Actor, *, include_revoked: bool = False) -> QuerySet[WatchlistEntry]:
    entries = WatchlistEntry.objects.select_related("created_by", "revoked_by")
    return entries if include_revoked else entries.filter(revoked_at__isnull=True)


@use_case("watchlist.read", N_("read the watchlist"), permission=READ, scope=READERS)
def read_entry(actor: Actor, code: str) -> WatchlistEntry:
    entry = WatchlistEntry.objects.select_related("created_by").filter(code=code).first()
    if entry is None:
        raise NotFound(f"watchlist entry {code} does not exist")
    return entry


def _checked(given: EntryInput) -> WatchlistEntry:
    try:
        kind = WatchKind(given.kind).value
    except ValueError:
        known = ", ".join(k.value for k in WatchKind)
        raise refusal("kind", N_("must be one of: %(known)s"), known=known) from None
    if not given.reason.strip():
        raise refusal("reason", N_("is required: say why the entry is watched"))
    if given.valid_from and given.expires_at and given.expires_at <= given.valid_from:
        raise refusal("expires_at", N_("must come after valid_from"))
    value = given.value.strip().upper() if kind in ("origin", "route") else given.value.strip()
    named_list = given.named_list.strip()
    if named_list:
        _check_list(kind, value, named_list)
    elif not value:
        raise refusal("value", N_("is required (or name a list in named_list)"))
    elif kind == "origin" and value not in COUNTRY_CODES:
        raise refusal("value", N_("%(value)s is not an ISO 3166 country code"), value=repr(value))
    if kind == "route" and ">" in value:  # the engine says what a route looks like
        departure = value.split(">", 1)[0]
        if departure not in ("*", "") and departure not in COUNTRY_CODES:
            raise refusal(
                "value",
                N_("%(value)s is not an ISO 3166 country code"),
                value=repr(departure),
            )
    entry = WatchlistEntry(
        code=provisional_code(),
        kind=kind,
        value=value,
        reason=given.reason.strip(),
        weight=given.weight,
        valid_from=given.valid_from,
        expires_at=given.expires_at,
        named_list=named_list,
    )
    try:
        engine_entry(entry)  # the engine's own checks: value, weight, route syntax
    except WatchlistError as error:  # named by its field: the entry has no code yet
        # The engine's words (marked in pages.engine_terms), named by the field.
        problem = field_problem(error.field, error.detail)
        raise Invalid(error.detail, problems=[problem]) from None
    return entry


def _check_list(kind: str, value: str, named_list: str) -> None:
    if value:
        raise refusal("value", N_("must be empty when the entry watches a named list"))
    list_kind = kind_of(named_list)
    if list_kind is None:
        raise refusal("named_list", N_("%(name)s is not a named list"), name=repr(named_list[:40]))
    if _LIST_KINDS.get(kind) != list_kind:
        needed = _LIST_KINDS.get(kind)
        if needed:
            raise refusal(
                "named_list",
                N_(
                    "%(name)s holds %(held)s codes; an entry of kind %(kind)s needs a "
                    "%(needed)s list"
                ),
                name=named_list, held=list_kind, kind=kind, needed=needed,
            )  # fmt: skip
        raise refusal("named_list", N_("a %(kind)s entry cannot watch a named list"), kind=kind)


def _add(actor: Actor, given: EntryInput) -> WatchlistEntry:
    entry = _checked(given)
    entry.created_by = actor.account
    entry.save()
    assign_code(entry, "WL", 6)
    engine_changed()
    record(
        actor.account,
        "watchlist.add",
        entry,
        f"added {entry.code}: {entry.kind} {entry.value or 'list ' + entry.named_list}",
        reason=entry.reason,
        **actor.audit_details(),
    )
    return entry


def _revoke(actor: Actor, entry: WatchlistEntry, why: str) -> WatchlistEntry:
    if entry.revoked_at is None:
        entry.revoked_at, entry.revoked_by = timezone.now(), actor.account
        entry.save()
        engine_changed()
        record(
            actor.account,
            "watchlist.revoke",
            entry,
            f"revoked {entry.code}",
            why=why,
            **actor.audit_details(),
        )
    return entry


def _locked(code: str) -> WatchlistEntry:
    entry = WatchlistEntry.objects.select_for_update().filter(code=code).first()
    if entry is None:
        raise NotFound(f"watchlist entry {code} does not exist")
    return entry


@use_case("watchlist.add", N_("add to the watchlist"), permission=WRITE, scope=Scope.PROFILES)
def add_entry(actor: Actor, given: EntryInput) -> WatchlistEntry:
    return atomic(lambda: _add(actor, given))


@use_case("watchlist.change", N_("change the watchlist"), permission=WRITE, scope=Scope.PROFILES)
def change_entry(actor: Actor, code: str, given: EntryInput) -> WatchlistEntry:
    """The entry revoked and its successor, with the new settings, recorded."""

    def work() -> WatchlistEntry:
        old = _locked(code)
        if old.revoked_at is not None:
            raise NotAllowedNow.worded(
                N_("%(code)s was revoked; add a new entry instead"), code=code
            )
        new = _add(actor, given)
        _revoke(actor, old, f"replaced by {new.code}")
        return new

    return atomic(work)


@use_case("watchlist.revoke", N_("change the watchlist"), permission=WRITE, scope=Scope.PROFILES)
def revoke_entry(actor: Actor, code: str, why: str = "") -> WatchlistEntry:
    """The entry stops applying (it stays on record); revoking it again changes nothing."""
    return atomic(lambda: _revoke(actor, _locked(code), why))
