"""A page of the documentation, rendered from docs/*.md."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portcullis.web.pages.kit import actor_of, signed_in
from portcullis.web.usecases import docs

LABELS = {
    "profiles": _("The profile language"),
    "api": _("The API"),
    "formats": _("File formats"),
    "operations": _("Running Portcullis"),
}


@signed_in
def page(request: HttpRequest, name: str) -> HttpResponseBase:
    language = (get_language() or "en").split("-")[0]
    document = docs.read_doc(actor_of(request), name, language)
    return render(
        request,
        "docs/page.html",
        {"document": document, "documents": LABELS.items(), "reader": language},
    )
