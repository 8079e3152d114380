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


def _criteria_templates() -> set[str]:
    """Every message template the profile language's code passes to ``problem`` or
    ``fail`` (read off its source, so a new message cannot miss its translation)."""
    import ast
    from pathlib import Path

    import portcullis.engine.rules.syntax as syntax

    found = set()
    for name in ("syntax.py", "compiler.py"):
        tree = ast.parse((Path(syntax.__file__).parent / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if called in ("problem", "fail") and len(node.args) >= 2:
                    template = node.args[1]
                    if isinstance(template, ast.Constant) and isinstance(template.value, str):
                        found.add(template.value)
            named = isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            if named and any(getattr(t, "id", None) == "template" for t in node.targets):
                found.add(str(node.value.value))
    return found


def test_every_message_of_the_profile_language_is_marked_and_translated():
    from portcullis.web.pages.engine_terms import CRITERIA_MESSAGES

    templates = _criteria_templates()
    assert len(templates) > 25
    assert templates <= set(CRITERIA_MESSAGES)
    with translation.override("fr"):
        untranslated = [t for t in CRITERIA_MESSAGES if translation.gettext(t) == t]
    assert untranslated == []


def test_an_analyst_reads_what_is_wrong_with_the_criteria_in_french(site, as_user):
    client = as_user("analyst")
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    checked = client.post(
        reverse("profile_check"), {"criteria": 'hs_code == "8703" and orign_country == "CN"'}
    ).content.decode()
    assert "ligne 1, colonne 23 : champ inconnu « orign_country »" in checked
    assert "vouliez-vous dire « origin_country » ?" in checked
    early = client.post(reverse("profile_check"), {"criteria": "hs_code =="}).content.decode()
    assert "les critères s&#x27;arrêtent trop tôt" in early


def test_a_refused_form_says_why_in_french(site, as_user):
    client = as_user("analyst")
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    refused = client.post(
        reverse("watchlist"),
        {
            "kind": "origin", "value": "XX", "reason": "origin fraud seen last year",
            "weight": "0.5", "valid_from": "", "expires_at": "",
        },
    ).content.decode()  # fmt: skip
    assert "&#x27;XX&#x27; n&#x27;est pas un code pays ISO 3166" in refused
    backwards = client.post(
        reverse("watchlist"),
        {
            "kind": "origin", "value": "CN", "reason": "origin fraud seen last year",
            "weight": "0.5", "valid_from": "2021-03-01T00:00", "expires_at": "2021-02-01T00:00",
        },
    ).content.decode()  # fmt: skip
    assert "doit venir après le début de validité" in backwards


def test_no_string_marked_in_the_code_is_missing_from_the_catalogue(
    tmp_path, monkeypatch, settings
):
    """makemessages, run on a copy of the web package, finds nothing new to translate."""
    import shutil

    from django.core.management import call_command

    source = CATALOGUE.parents[2]  # src/portcullis/web
    copy = tmp_path / "web"
    shutil.copytree(
        source, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__", "static", "fonts")
    )
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [str(copy / "locale")]
    call_command("makemessages", locale=["fr"], verbosity=0)
    text = (copy / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = [e for e in text.split("\n\n")[1:] if not e.lstrip().startswith("#~")]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""(?!\n")', e, re.M)]
    assert untranslated == []


def test_a_refused_page_says_which_action_the_role_lacks_in_the_readers_language(site, as_user):
    officer = as_user("officer")
    english = officer.get(reverse("models"))
    assert english.status_code == 403
    assert "Your role does not allow you to see the risk models." in english.content.decode()
    officer.post(reverse("set_language"), {"language": "fr", "next": "/"})
    french = officer.get(reverse("models")).content.decode()
    assert "Votre rôle ne vous permet pas de voir les modèles de risque." in french


def test_every_use_case_says_what_it_does_in_french():
    from portcullis.web.usecases.access import USE_CASES

    with translation.override("fr"):
        english = [u.what for u in USE_CASES.values() if translation.gettext(u.what) == u.what]
    assert english == []


def test_a_refusal_of_the_moment_reads_in_french(site, as_user):
    officer = as_user("officer")
    officer.post(reverse("set_language"), {"language": "fr", "next": "/"})
    url = reverse("inspection_record", args=[site.mine])
    result = {"finding": "no", "notes": ""}
    assert officer.post(url, result).status_code == 302
    again = officer.post(url, result, follow=True).content.decode()
    assert f"un résultat de contrôle est déjà saisi pour {site.mine}" in again
