"""The navigation bar: each entry shown only to those who may open it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portcullis.web.accounts.roles import role_label
from portcullis.web.pages.kit import actor_of
from portcullis.web.usecases import (
    inspections,
    lists,
    profiles,
    reports,
    search,
    training,
    watchlist,
)

# Each page, offered to whoever the rule of the use case it shows allows.
ENTRIES = (
    ("dashboard", _("Dashboard"), reports.read_dashboard),
    ("worklist", _("Worklist"), inspections.worklist),
    ("search", _("Search"), search.search),
    ("profiles", _("Profiles"), profiles.list_profiles),
    ("watchlist", _("Watchlist"), watchlist.list_entries),
    ("lists", _("Lists"), lists.list_lists),
    ("models", _("Models"), training.list_models),
    ("audit", _("Audit trail"), reports.audit_trail),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_of(request)
    current = request.resolver_match.url_name if request.resolver_match else None
    section = (current or "").split("_")[0]  # "profile_edit" is under "profiles"
    return {
        "navigation": [
            {
                "url": reverse(name),
                "label": label,
                "current": section in (name, name.removesuffix("s")),
            }
            for name, label, use_case in ENTRIES
            if use_case.allows(actor)
        ],
        "role_label": role_label(user),
    }
