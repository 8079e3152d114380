"""Which declarations someone may know of: the one scoping rule every list, page, API answer
and export of declarations (and of what hangs from them) goes through.

A person sees the offices they are posted to, unless their roles let them see every office;
a client system sees the declarations it submitted itself, unless its token is an
administrator's. Outside its reach a declaration is "not found", never "forbidden", so that a
refusal does not confirm that it exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

ALL_OFFICES = "declarations.view_all_offices"


@dataclass(frozen=True)
class Reach:
    offices: frozenset[str] | None = None  # None: every office
    submitted_by: int | None = None  # only what this account submitted

    @property
    def everything(self) -> bool:
        return self.offices is None and self.submitted_by is None

    @property
    def office_codes(self) -> list[str] | None:
        return None if self.offices is None else sorted(self.offices)

    def q(self, to_declaration: str = "", office: str | None = None) -> Q:
        """A filter on a model whose declaration is at ``to_declaration`` ("" for the
        declaration itself, "declaration__" from its decisions); ``office`` names the office
        relation when the model keeps its own copy of it."""
        condition = Q()
        if self.offices is not None:
            where = office if office is not None else f"{to_declaration}office"
            condition &= Q(**{f"{where}__code__in": sorted(self.offices)})
        if self.submitted_by is not None:
            condition &= Q(**{f"{to_declaration}received_by_id": self.submitted_by})
        return condition

    def includes(self, declaration: Any) -> bool:
        """Whether ``declaration`` (with its office loaded) is within reach."""
        if self.offices is not None and declaration.office.code not in self.offices:
            return False
        return self.submitted_by is None or declaration.received_by_id == self.submitted_by

    def includes_office(self, code: str) -> bool:
        return self.offices is None or code in self.offices


NOTHING = Reach(offices=frozenset())


def reach_of_person(user: User | AnonymousUser | None) -> Reach:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.has_perm(ALL_OFFICES):
        return Reach()
    account = getattr(user, "account", None)
    if account is None:
        return NOTHING
    return Reach(offices=frozenset(account.offices.values_list("code", flat=True)))


def reach_of_token(token: Any, *, admin: bool) -> Reach:
    return Reach() if admin else Reach(submitted_by=token.user_id)
