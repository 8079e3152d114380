"""Codes as people read them ("1 — sea"), from the reference table an administrator keeps,
in the reader's language where a translation was given."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import get_language

from portcullis.web.reference.models import CodeLabel


def in_reader_language(english: str, french: str) -> str:
    """The French text for a French reader where one was written, else the English."""
    if french and (get_language() or "").startswith("fr"):
        return french
    return english


def code_label(kind: str, code: str | None) -> str:
    """``code — label``; the code alone where the table has no row for it; "" for none."""
    return code_labels({kind: code}).get(kind, "")


def code_labels(codes: dict[str, str | None]) -> dict[str, str]:
    """Several codes, by kind, labelled in one query (a page's header)."""
    wanted = {kind: code for kind, code in codes.items() if code}
    if not wanted:
        return dict.fromkeys(codes, "")
    query = Q()
    for kind, code in wanted.items():
        query |= Q(kind=kind, code=code)
    rows = {row.kind: row for row in CodeLabel.objects.filter(query)}
    labelled = dict.fromkeys(codes, "")
    for kind, code in wanted.items():
        row = rows.get(kind)
        labelled[kind] = (
            code if row is None else f"{code} — {in_reader_language(row.label, row.label_fr)}"
        )
    return labelled
