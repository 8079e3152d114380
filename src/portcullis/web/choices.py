"""Choices the models, forms and reports share, labelled for people in their language: the
channels, the watchlist's kinds and the decisions' reasons (the engine names them in code,
``red``, ``seller``, ``mandatory_profile``)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from portcullis.engine.channels import Channel, Reason
from portcullis.engine.watchlist import WatchKind

_CHANNEL_LABELS = {
    Channel.GREEN: _("Green"),
    Channel.YELLOW: _("Yellow"),
    Channel.RED: _("Red"),
    Channel.BLUE: _("Blue"),
}
CHANNEL_CHOICES: list[tuple[str, Promise]] = [(c.value, _CHANNEL_LABELS[c]) for c in Channel]

_WATCH_KIND_LABELS = {
    WatchKind.IMPORTER: _("Importer"),
    WatchKind.DECLARANT: _("Declarant"),
    WatchKind.SELLER: _("Seller"),
    WatchKind.COURIER: _("Courier"),
    WatchKind.GOODS: _("Goods"),
    WatchKind.ORIGIN: _("Origin"),
    WatchKind.ROUTE: _("Route"),
}
WATCH_KIND_CHOICES: list[tuple[str, Promise]] = [
    (k.value, _WATCH_KIND_LABELS[k]) for k in WatchKind
]


def channel_name(value: str) -> str:
    """A channel's name in the reader's language ("Red", "Rouge"); an unknown code as is."""
    try:
        return str(_CHANNEL_LABELS[Channel(value)])
    except ValueError:
        return value


# The engine's reason labels, marked here for translation (the engine knows no Django).
REASON_TEXT = {
    Reason.MANDATORY_PROFILE: gettext_lazy("mandatory targeting profile"),
    Reason.RISK: gettext_lazy("risk score above the office threshold"),
    Reason.RANDOM: gettext_lazy("random compliance sample"),
    Reason.EXPLORATION: gettext_lazy("exploration of an uncertain case"),
    Reason.AEO_FACILITATION: gettext_lazy(
        "AEO facilitation: audit after release instead of a stop"
    ),
    Reason.AUDIT_BAND: gettext_lazy("risk score in the post-clearance audit band"),
    Reason.LOW_RISK: gettext_lazy("low risk"),
    Reason.SIGNAL_FAILURE: gettext_lazy("a risk signal failed: held for a documentary check"),
}


def reason_text(value: str) -> str:
    """A decision's reason in words ("mandatory targeting profile"); an unknown code as is."""
    try:
        return str(REASON_TEXT[Reason(value)])
    except (ValueError, KeyError):
        return value
