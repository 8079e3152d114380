"""The navigation bar: each entry shown only to those who may open it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portcullis.web.accounts.roles import role_label
from portcullis.web.pages.access import holds

ENTRIES = (
    ("dashboard", _("Dashboard"), "scoring.view_decision"),
    ("worklist", _("Worklist"), "inspections.view_worklist"),
    ("profiles", _("Profiles"), "profiles.view_profile"),
    ("watchlist", _("Watchlist"), "intelligence.view_watchlistentry"),
    ("models", _("Models"), "scoring.view_modelversion"),
    ("audit", _("Audit trail"), "audit.view_auditevent"),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.url_name if request.resolver_match else None
    section = (current or "").split("_")[0]  # "profile_edit" is under "profiles"
    return {
        "navigation": [
            {
                "url": reverse(name),
                "label": label,
                "current": section in (name, name.removesuffix("s")),
            }
            for name, label, permission in ENTRIES
            if holds(user, permission)
        ],
        "role_label": role_label(user),
    }
