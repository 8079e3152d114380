"""Template helpers for showing risk data the same way on every page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portcullis.engine.channels import Channel
from portcullis.engine.glossary import term as glossary_term
from portcullis.engine.rules.syntax import Problem
from portcullis.web.choices import reason_text as labelled_reason
from portcullis.web.inspections.labels import finding_label as labelled_finding
from portcullis.web.profiles.compiled import problem_text as criteria_problem_text
from portcullis.web.reference.names import country_name

register = template.Library()


@register.inclusion_tag("pages/channel.html")
def channel(value: str) -> dict[str, Any]:
    """A channel as a badge: colour and its name in words, never colour alone."""
    try:
        known = Channel(value)
    except ValueError:
        return {"css": "unknown", "name": value}
    names = {
        Channel.GREEN: _("green: release"),
        Channel.YELLOW: _("yellow: documents"),
        Channel.RED: _("red: physical"),
        Channel.BLUE: _("blue: audit"),
    }
    return {"css": known.value, "name": names[known]}


@register.filter
def reason_text(value: str) -> str:
    return labelled_reason(value)


@register.filter
def country(code: str) -> str:
    return f"{country_name(code)} ({code})" if code else ""


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage in the page's language ("16.2 %", "16,2 %")."""
    if value is None:
        return "–"
    return f"{number_format(value * 100, decimal_pos=digits, use_l10n=True)} %"


@register.filter
def waiting(since: datetime | None) -> str:
    """How long something has waited, in the largest unit that says it."""
    if since is None:
        return ""
    minutes = max(0, int((timezone.now() - since).total_seconds() // 60))
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


@register.filter
def bar_width(value: float | None, largest: float | None) -> str:
    """A share of the largest, in percent, for SVG bars (a CSP forbids style attributes)."""
    if not value or not largest:
        return "0"
    return f"{max(1.0, min(100.0, abs(value) / abs(largest) * 100)):.1f}"


PSI_LEVELS = {
    "stable": gettext_lazy("stable"),
    "watch": gettext_lazy("worth watching"),
    "alert": gettext_lazy("alert"),
    "history": gettext_lazy("grows with the history: never alerted"),
    "unknown": gettext_lazy("unknown"),
}


@register.simple_tag
def psi_level(level: str) -> str:
    """The reading of a population stability index (portcullis.engine.drift.level) in words."""
    return str(PSI_LEVELS.get(level, level))


@register.filter
def finding_label(value: str | None) -> str:
    """A finding type as people read it ("Prohibited or restricted goods"), translated."""
    return labelled_finding(value)


@register.filter
def term(name: str) -> str:
    """A field's or model feature's short name from the glossary, translated."""
    return _(glossary_term(name))


@register.filter
def terms(names: list[str]) -> list[str]:
    return [term(name) for name in names]


@register.filter
def problem_text(problem: Problem) -> str:
    """A problem with profile criteria, in the reader's language."""
    return criteria_problem_text(problem)
