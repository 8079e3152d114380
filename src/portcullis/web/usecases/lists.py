"""Named lists: read them, and record a new version of one (creating the list with its first).

A version is never changed: saving records the next one, and only on the version the editor
read (a stale save is refused, naming the version that replaced it), so two analysts never
overwrite each other. The profiles and watchlist entries that read a list follow it at once:
the serving engines are told, and the next decision names the new list version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_noop as N_

from portcullis.engine.reference import COUNTRY_CODES
from portcullis.engine.rules.lists import CODE, MAX_VALUES, NamedListError
from portcullis.web.accounts.scopes import Scope
from portcullis.web.audit.services import record
from portcullis.web.errors import Conflict, Invalid, NotFound, refusal
from portcullis.web.reference.lists import engine_list
from portcullis.web.reference.models import NamedList, NamedListVersion
from portcullis.web.scoring.state import engine_changed
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.transactions import atomic

READ = "reference.view_namedlist"
WRITE = "reference.add_namedlist"
READERS = (Scope.RISK_READ, Scope.PROFILES)
MAX_VALUE_LENGTH = 35  # as long as a watchlist value: a trader id, a code
_DIGITS = re.compile(r"^\d{2,10}$")
_CODE_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]*$")


@dataclass(frozen=True)
class ListInput:
    values: list[str]
    reason: str
    kind: str = ""  # needed for a new list; a list keeps its kind
    description: str | None = None  # None: unchanged
    valid_from: datetime | None = None
    expires_at: datetime | None = None
    base_version: int = 0  # the version the editor read (0: the list is new)


@use_case("lists.list", N_("read the named lists"), permission=READ, scope=READERS)
def list_lists(actor: Actor) -> QuerySet[NamedList]:
    return NamedList.objects.select_related("owner").annotate(version_count=Count("versions"))


@use_case("lists.read", N_("read the named lists"), permission=READ, scope=READERS)
def read_list(actor: Actor, code: str) -> tuple[NamedList, list[NamedListVersion]]:
    """The list and its versions, newest first."""
    named = NamedList.objects.select_related("owner").filter(code=code).first()
    if named is None:
        raise NotFound(f"named list {code[:40]} does not exist")
    versions = list(named.versions.select_related("created_by").order_by("-number"))
    return named, versions


def _value(kind: str, raw: str, position: int) -> str:
    value = raw.strip()
    where = f"values[{position}]"
    if not value or len(value) > MAX_VALUE_LENGTH:
        raise refusal(where, N_("must be 1 to %(n)s characters"), n=MAX_VALUE_LENGTH)
    if kind == NamedList.Kind.COUNTRY:
        value = value.upper()
        if value not in COUNTRY_CODES:
            raise refusal(where, N_("%(value)s is not an ISO 3166 country code"), value=repr(value))
    elif kind == NamedList.Kind.GOODS:
        if not _DIGITS.match(value):
            raise refusal(
                where,
                N_("%(value)s is not an HS code prefix (2 to 10 digits)"),
                value=repr(value),
            )
    elif not _CODE_TEXT.match(value):
        raise refusal(
            where,
            N_("%(value)s: letters, digits, spaces and . _ / - only"),
            value=repr(value),
        )
    return value


def _checked_values(kind: str, given: ListInput) -> list[str]:
    if len(given.values) > MAX_VALUES:
        raise refusal("values", N_("at most %(n)s values"), n=f"{MAX_VALUES:,}")
    values = {_value(kind, raw, position) for position, raw in enumerate(given.values)}
    return sorted(values)


def _new_list(actor: Actor, code: str, given: ListInput) -> NamedList:
    if not CODE.match(code):
        raise refusal(
            "code",
            N_("capital letters, digits and _, starting with a letter, 2 to 40 characters"),
        )
    if given.kind not in NamedList.Kind.values:
        raise refusal(
            "kind",
            N_("must be one of: %(known)s"),
            known=", ".join(NamedList.Kind.values),
        )
    return NamedList.objects.create(
        code=code,
        kind=given.kind,
        description=(given.description or "").strip(),
        owner=actor.account,
    )


def _save(actor: Actor, code: str, given: ListInput) -> NamedListVersion:
    if not given.reason.strip():
        raise refusal("reason", N_("is required: say why the list changes"))
    if given.valid_from and given.expires_at and given.expires_at <= given.valid_from:
        raise refusal("expires_at", N_("must come after valid_from"))
    named = NamedList.objects.select_for_update().filter(code=code).first()
    current = named.versions.order_by("-number").first() if named else None
    number = current.number if current else 0
    if given.base_version != number:
        if named:
            raise Conflict.worded(
                N_(
                    "named list %(code)s is at version %(number)s, not %(base)s: it was changed "
                    "since you read it; read it again and make your change on the new version"
                ),
                code=code, number=number, base=given.base_version,
            )  # fmt: skip
        raise Conflict.worded(
            N_("named list %(code)s does not exist (to create it, save it as version 0)"),
            code=code,
        )
    if named is None:
        named = _new_list(actor, code, given)
    elif given.kind and given.kind != named.kind:
        raise refusal("kind", N_("stays %(kind)s: a list keeps its kind"), kind=named.kind)
    elif given.description is not None and given.description.strip() != named.description:
        named.description = given.description.strip()
        named.save(update_fields=["description"])
    version = NamedListVersion(
        named_list=named,
        number=number + 1,
        values=_checked_values(named.kind, given),
        valid_from=given.valid_from,
        expires_at=given.expires_at,
        reason=given.reason.strip()[:500],
        created_by=actor.account,
    )
    try:
        engine_list(version)  # the engine's own checks
    except NamedListError as error:
        raise Invalid(str(error)) from None
    version.save()
    engine_changed()
    before = set(current.values) if current else set()
    after = set(version.values)
    record(
        actor.account,
        "lists.save",
        named,
        f"{named.code} v{version.number}: {len(after - before)} added, "
        f"{len(before - after)} removed, {len(after)} in all",
        reason=version.reason,
        **actor.audit_details(),
    )
    return version


@use_case("lists.save", N_("change the named lists"), permission=WRITE, scope=Scope.PROFILES)
def save_list(actor: Actor, code: str, given: ListInput) -> NamedListVersion:
    """The list's next version (the list created with its first when ``base_version`` is 0);
    Conflict when another version was saved since ``base_version``."""
    # Two analysts saving the same version (or creating the same list) at once: the loser's
    # attempt runs again, sees the winner's version and is refused as stale.
    return atomic(lambda: _save(actor, code.strip(), given), retry_on_integrity=True)
