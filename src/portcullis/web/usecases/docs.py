"""Reading the product's documentation inside the product."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from portcullis.web.docs import Document, read_document
from portcullis.web.errors import NotFound
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor


@use_case("docs.read", N_("read the documentation"), signed_in=True)
def read_doc(actor: Actor, name: str, language: str) -> Document:
    document = read_document(name, language)
    if document is None:
        raise NotFound(f"there is no document {name!r}")
    return document
