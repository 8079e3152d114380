"""Roles are Django groups; what each may see is granted through model permissions."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import Group, Permission


class Role(StrEnum):
    ANALYST = "Risk analysts"
    OFFICER = "Officers"


# Every role may look at the data it works with; the few write permissions below are what
# the API's scopes are read from for people signed in (portcullis.web.accounts.scopes).
_GRANTED = {
    Role.ANALYST: [
        "declarations.view_declaration", "declarations.view_item",
        "declarations.view_importbatch", "inspections.view_inspection",
        "traders.view_trader", "reference.view_office", "reference.view_hscode",
        "reference.view_country", "profiles.view_profile", "profiles.view_profileversion",
        "intelligence.view_watchlistentry", "scoring.view_decision",
        "scoring.view_modelversion", "scoring.view_policyversion", "audit.view_auditevent",
        "profiles.change_profile",
    ],
    Role.OFFICER: [
        "declarations.view_declaration", "declarations.view_item",
        "inspections.view_inspection", "traders.view_trader", "reference.view_hscode",
        "scoring.view_decision", "inspections.add_inspection",
    ],
}  # fmt: skip


def ensure_role_groups() -> dict[Role, Group]:
    groups = {}
    for role, codenames in _GRANTED.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in (name.split(".") for name in codenames)
        ]
        group.permissions.set(permissions)
        groups[role] = group
    return groups
