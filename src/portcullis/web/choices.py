"""Choices the models and forms share, labelled for people in their language: the channels
and the watchlist's kinds (the engine names them in code, ``red``, ``seller``)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portcullis.engine.channels import Channel
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
