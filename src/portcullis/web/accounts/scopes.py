"""What a client system's API token may do: its scopes. People on the pages (and their browser
sessions on the API) are granted permissions by their roles instead; each use case names the
permission and the scope it needs (usecases.access)."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    SUBMIT = "declarations:submit"  # submit and amend its own declarations, import files
    READ = "decisions:read"  # read its own declarations, their decisions; replay them
    INSPECT = "inspections:record"  # record inspection outcomes on its own declarations
    RISK_READ = "risk:read"  # read targeting profiles and the watchlist
    PROFILES = "profiles:manage"  # write profiles, manage watchlists, backtest
    APPROVE = "profiles:approve"  # approve or reject profile versions (four eyes)
    ADMIN = "admin"  # every declaration, training and promoting models, every other scope

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Scope.SUBMIT: "submit and amend its own declarations, import files",
    Scope.READ: "read its own declarations and their decisions, replay them",
    Scope.INSPECT: "record inspection outcomes on its own declarations",
    Scope.RISK_READ: "read targeting profiles and the watchlist (not for a clearance system)",
    Scope.PROFILES: "write and suspend profiles; manage watchlists; backtest",
    Scope.APPROVE: "approve or reject profile versions (never one it wrote)",
    Scope.ADMIN: "everything, on every declaration, including training models",
}
# What a clearance system's token is given unless asked otherwise.
CLEARANCE_SYSTEM = frozenset({Scope.SUBMIT, Scope.READ, Scope.INSPECT})


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
