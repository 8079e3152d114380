"""Names for codes, in the language of the page: countries (ISO 3166, translated by
pycountry's own catalogues) and HS headings (from the bundled nomenclature, in English: the
WCO publishes it in English and French, we bundle the English text)."""

from __future__ import annotations

import functools
import gettext

import pycountry
from django.utils.translation import get_language

from portcullis.engine import reference
from portcullis.engine.reference import HsEntry


@functools.cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str) -> str:
    english = reference.country_name(code)
    language = (get_language() or "en").split("-")[0]
    return english if language == "en" else _catalogue(language).gettext(english)


def hs_entry(code: str, edition: str) -> HsEntry | None:
    """The most precise heading the nomenclature has for ``code`` (6, 4 or 2 digits)."""
    try:
        entries = reference.nomenclature().edition(edition).entries
    except KeyError:
        return None
    for length in (6, 4, 2):
        entry = entries.get(code[:length])
        if entry is not None:
            return entry
    return None


def hs_description(code: str, edition: str) -> str:
    entry = hs_entry(code, edition)
    return entry.description if entry else ""


def hs_section(code: str, edition: str) -> str:
    """The section numeral of ``code`` ("XVII"), or "" when the code is unknown."""
    entry = hs_entry(code, edition)
    return entry.section if entry else ""


def section_name(numeral: str, edition: str) -> str:
    try:
        return reference.nomenclature().edition(edition).sections.get(numeral, "")
    except KeyError:
        return ""
