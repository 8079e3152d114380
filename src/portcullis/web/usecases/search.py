"""One search box: a declaration by its id (or the start of it), a trader by code or name.
Declarations are found within the actor's reach only; traders as the trader pages show them
(every trader, their figures counted over the actor's reach)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_noop as N_

from portcullis.web.declarations.models import Declaration
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor

SHOWN = 20  # of each kind; a longer list asks for a longer text
SHORTEST = 2
LONGEST = 100


@dataclass(frozen=True)
class Found:
    text: str
    declarations: list[Declaration] = field(default_factory=list)
    traders: list[Trader] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not self.declarations and not self.traders


@use_case(
    "search.run",
    N_("search declarations and traders"),
    permission="declarations.view_declaration",
)
def search(actor: Actor, text: str) -> Found:
    """What ``text`` finds; too short a text finds nothing (it would find everything)."""
    text = " ".join(text.split())[:LONGEST]
    if len(text) < SHORTEST:
        return Found(text)
    declarations = (
        Declaration.objects.filter(actor.reach.q())
        .filter(declaration_id__istartswith=text)  # the whole id, or the start of it
        .select_related("office", "importer")
        .order_by("-lodged_at", "declaration_id")[:SHOWN]
    )
    traders = Trader.objects.filter(Q(code__istartswith=text) | Q(name__icontains=text)).order_by(
        "role", "code"
    )[:SHOWN]
    return Found(text, list(declarations), list(traders))
