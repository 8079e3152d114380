"""Roles are Django groups; what each may see and do is granted through permissions, and
every page and endpoint checks a permission, never a role name.

The administrator role is Django's superuser (every permission). Officers are scoped to the
offices they are posted to (``accounts.Account.offices``); every other role sees every office
(``declarations.view_all_offices``)."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ANALYST = "Risk analysts"
    SUPERVISOR = "Supervisors"
    OFFICER = "Officers"
    AUDITOR = "Auditors"

    @property
    def label(self) -> str:
        return str(_LABELS[self])


_LABELS = {
    Role.ANALYST: _("risk analyst"),
    Role.SUPERVISOR: _("supervisor"),
    Role.OFFICER: _("officer"),
    Role.AUDITOR: _("auditor"),
}
ADMINISTRATOR_LABEL = _("administrator")

# What every role reads: declarations, their decisions and outcomes, traders, reference data.
_READ = [
    "declarations.view_declaration",
    "declarations.view_item",
    "inspections.view_inspection",
    "traders.view_trader",
    "reference.view_office",
    "reference.view_hscode",
    "reference.view_country",
    "scoring.view_decision",
]
_RISK_RECORDS = [
    "profiles.view_profile",
    "profiles.view_profileversion",
    "intelligence.view_watchlistentry",
    "reference.view_namedlist",
    "scoring.view_modelversion",
    "scoring.view_policyversion",
]
_GRANTED = {
    # Writes and tests profiles and watchlist entries; does not approve them.
    Role.ANALYST: [
        *_READ, *_RISK_RECORDS, "declarations.view_all_offices",
        "declarations.view_importbatch", "profiles.add_profile", "profiles.change_profile",
        "intelligence.add_watchlistentry", "intelligence.change_watchlistentry",
        "reference.add_namedlist",
    ],
    # Approves profile versions (four eyes), overrides channels, watches the worklists.
    Role.SUPERVISOR: [
        *_READ, *_RISK_RECORDS, "declarations.view_all_offices",
        "profiles.approve_profileversion", "scoring.override_decision",
        "inspections.view_worklist", "audit.view_auditevent",
        "inspections.correct_inspection", "declarations.authorise_amendment",
    ],
    # Works the selected declarations of their own offices and records what was found.
    # May let the declarant amend one of their offices' declarations under control.
    Role.OFFICER: [
        *_READ, "inspections.view_worklist", "inspections.add_inspection",
        "declarations.authorise_amendment",
    ],
    # Reads everything, changes nothing.
    Role.AUDITOR: [
        *_READ, *_RISK_RECORDS, "declarations.view_all_offices",
        "declarations.view_importbatch", "inspections.view_worklist", "audit.view_auditevent",
    ],
}  # fmt: skip


def ensure_role_groups() -> dict[Role, Group]:
    groups = {}
    for role, codenames in _GRANTED.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in (name.split(".") for name in codenames)
        ]
        group.permissions.set(permissions)
        groups[role] = group
    return groups


def role_label(user: User | AnonymousUser) -> str:
    """How the pages name what the user is ("supervisor", "officer and auditor", ...)."""
    if getattr(user, "is_superuser", False):
        return str(ADMINISTRATOR_LABEL)
    names = {group.name for group in user.groups.all()} if user.is_authenticated else set()
    return ", ".join(role.label for role in Role if role.value in names)


def give_role(user: User, role: Role | None, groups: dict[Role, Group]) -> None:
    """Make ``user`` hold ``role`` alone (None: the administrator, every permission)."""
    user.is_superuser = user.is_staff = role is None
    user.save()
    user.groups.set([] if role is None else [groups[role]])
