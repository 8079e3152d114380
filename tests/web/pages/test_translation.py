"""The pages in French: every string of the catalogue translated, and the pages use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portcullis.web.pages.templatetags.portcullis import percent

pytestmark = pytest.mark.django_db
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES"


def test_every_string_has_a_french_translation():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""(?!\n")', e, re.M)]
    assert untranslated == []
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert fuzzy == []
    # The compiled catalogue is what Django reads: it must not be older than its source.
    assert (CATALOGUE / "django.mo").stat().st_size > 0


def test_a_french_speaker_gets_the_pages_in_french(site, as_user):
    client = as_user("officer")
    client.post(reverse("set_language"), {"language": "fr", "next": "/worklist/"})
    worklist = client.get(reverse("worklist")).content.decode()
    assert "Liste de travail" in worklist
    assert "Me l'attribuer" in worklist
    declaration = client.get(reverse("declaration", args=[site.mine])).content.decode()
    assert "profil de ciblage obligatoire" in declaration.lower()  # the reason
    assert "Chine (CN)" in declaration  # country names too
    assert 'lang="fr"' in declaration


def test_the_browser_language_is_honoured(people):
    from django.test import Client

    page = Client(headers={"accept-language": "fr-FR,fr;q=0.9"}).get(reverse("login"))
    assert "Se connecter" in page.content.decode()


def test_percentages_follow_the_page_s_language():
    with translation.override("en"):
        assert percent(0.162) == "16.2 %"
    with translation.override("fr"):
        assert percent(0.162) == "16,2 %"


def test_the_decision_summary_and_checks_read_in_french(site, as_user):
    client = as_user("officer")
    client.post(reverse("set_language"), {"language": "fr", "next": "/worklist/"})
    page = client.get(reverse("declaration", args=[site.mine])).content.decode()
    assert "Ce qui sort de l&#x27;ordinaire" in page or "Ce qui sort de l'ordinaire" in page
    assert "Le profil « Cars from China » (Autre) a touché l" in page
    assert "Code SH 870323" in page
    assert "Peser l&#x27;envoi" in page or "Peser l'envoi" in page  # the check, in French


def test_every_term_of_the_glossary_is_in_the_french_catalogue():
    from portcullis.engine.glossary import TERMS

    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    missing = [t for t in TERMS.values() if f'msgid "{t}"' not in text]
    assert missing == []


def test_the_pages_mark_every_term_for_the_catalogue():
    from portcullis.engine.glossary import TERMS, term
    from portcullis.engine.watchlist import WatchKind
    from portcullis.web.pages.engine_terms import GLOSSARY_TERMS

    kinds = [kind.value for kind in WatchKind]
    expected = {*TERMS.values(), *kinds, *(term(f"{kind}_watchlisted") for kind in kinds)}
    assert set(GLOSSARY_TERMS) == expected
