"""Checks an administrator runs on stored data: identifiers an earlier version accepted
that no longer make a working address (a declaration id with "/" could be stored, and then
neither its page nor its trader's could be opened)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from portcullis.engine.fields import CODE_PATTERN
from portcullis.web.declarations.models import Declaration
from portcullis.web.reference.models import Office
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor

_USABLE = re.compile(CODE_PATTERN)


@dataclass(frozen=True)
class BadIdentifier:
    kind: str  # "declaration", "importer", "office", ...
    value: str

    def line(self) -> str:
        return f"{self.kind} {self.value!r} cannot be part of an address (see docs/formats.md)"


def _unusable(values: list[str]) -> list[str]:
    return [value for value in values if not _USABLE.fullmatch(value)]


@use_case(
    "data.check_identifiers",
    N_("check the stored identifiers"),
    permission="declarations.change_declaration",
)
def check_identifiers(actor: Actor) -> list[BadIdentifier]:
    """Every stored declaration id, trader code and office code that does not match the
    pattern ids are checked against today. Read in chunks of ids only: cheap on any size."""
    found: list[BadIdentifier] = []
    ids = Declaration.objects.values_list("declaration_id", flat=True).iterator(chunk_size=20_000)
    found += [BadIdentifier("declaration", value) for value in _unusable(list(ids))]
    for role, code in Trader.objects.values_list("role", "code").iterator(chunk_size=20_000):
        if not _USABLE.fullmatch(code):
            found.append(BadIdentifier(role, code))
    codes = list(Office.objects.values_list("code", flat=True))
    found += [BadIdentifier("office", value) for value in _unusable(codes)]
    return found
