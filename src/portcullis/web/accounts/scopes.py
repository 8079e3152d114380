"""What a caller of the API may do: scopes, granted to tokens directly and to browser users
through the permissions of their roles."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Scope(StrEnum):
    SUBMIT = "declarations:submit"  # submit and amend declarations, import files
    READ = "decisions:read"  # read declarations, decisions and their history; replay
    INSPECT = "inspections:record"  # record inspection outcomes
    PROFILES = "profiles:manage"  # profiles, watchlists, backtests
    ADMIN = "admin"  # training and promoting models, every other scope

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Scope.SUBMIT: "submit and amend declarations, import files",
    Scope.READ: "read declarations and decisions, replay decisions",
    Scope.INSPECT: "record inspection outcomes",
    Scope.PROFILES: "write, approve and suspend profiles; manage watchlists; backtest",
    Scope.ADMIN: "everything, including training models",
}

# A browser user holds a scope when their roles give them this permission.
PERMISSION = {
    Scope.SUBMIT: "declarations.add_declaration",
    Scope.READ: "scoring.view_decision",
    Scope.INSPECT: "inspections.add_inspection",
    Scope.PROFILES: "profiles.change_profile",
}


def parse_scopes(names: list[str] | str) -> frozenset[Scope]:
    """Scopes from names (a list, or text separated by commas or spaces); unknown names are
    an error that lists the known ones."""
    if isinstance(names, str):
        names = names.replace(",", " ").split()
    known = {scope.value: scope for scope in Scope}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(
            f"unknown scope {', '.join(map(repr, unknown))}: the scopes are " + ", ".join(known)
        )
    return frozenset(known[name] for name in names)


def user_scopes(user: AbstractBaseUser | AnonymousUser) -> frozenset[Scope]:
    if not user.is_active:
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset(Scope)
    return frozenset(scope for scope, perm in PERMISSION.items() if user.has_perm(perm))


def holds(granted: frozenset[Scope], needed: Scope) -> bool:
    return needed in granted or Scope.ADMIN in granted
