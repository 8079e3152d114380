"""Every page in French, walked as the administrator (who sees them all) and as the officer:
no English phrase of the message catalogue may show.

The English phrases are the catalogue's own source strings (those whose French differs),
cut at their placeholders. What is data stays as it was written — a profile's name, a
trader's, a reason typed by an analyst — and the nomenclature's descriptions are English
by design (we ship the English HS): the pages mark those ``lang="en"`` and the walk skips
them, as a screen reader would switch voice."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portcullis.web.profiles.models import Profile
from portcullis.web.reference.models import NamedList
from portcullis.web.scoring.models import ModelVersion
from portcullis.web.usecases import lists
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.lists import ListInput

pytestmark = pytest.mark.django_db
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"
# Read aloud or shown on hover: part of the page as much as its text.
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\{[^}]*\}\}|\{[\w.]*\}|<[^>]+>")


def _entries() -> list[tuple[str, str]]:
    text = CATALOGUE.read_text(encoding="utf-8")
    pairs = []
    for block in text.split("\n\n")[1:]:
        ids = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        strs = re.search(r"^msgstr(?:\[0\])? ((?:\".*\"\n?)+)", block, re.M)
        if ids and strs:
            pairs.append((_joined(ids[1]), _joined(strs[1])))
    return pairs


def _joined(quoted: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', quoted)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n")


@cache
def english_phrases() -> tuple[str, ...]:
    """Pieces of the catalogue's English that its French does not contain: two words at
    least (a lone word such as "Origin" can be a trader's or a profile's name)."""
    phrases = set()
    for english, french in _entries():
        if not english or english == french:
            continue
        for piece in _PLACEHOLDER.split(english):
            piece = piece.strip(" .,:;()–—·\n")
            if len(piece.split()) >= 2 and len(piece) >= 8 and piece not in french:
                phrases.add(piece)
    return tuple(sorted(phrases, key=len, reverse=True))


@cache
def english_words() -> frozenset[str]:
    """The catalogue's one-word English labels ("Dashboard", "Worklist") whose French is
    another word."""
    words = set()
    for english, french in _entries():
        word = english.strip(" .,:;()–—·\n")
        if re.fullmatch(r"[A-Za-z][a-z]{3,}", word) and word.lower() not in french.lower():
            words.add(word)
    return frozenset(words)


def shown_text(html: str) -> str:
    """What a reader sees or hears of the page: text and labels, without scripts, code,
    and the parts marked as English data."""
    root = lxml.html.fromstring(html)
    dropped = "//script | //style | //code | //textarea | //*[@lang='en'] | //*[@translate='no']"
    for element in root.xpath(dropped):
        element.drop_tree()
    texts = [" ".join(root.text_content().split())]
    for attribute in SHOWN_ATTRIBUTES:
        texts.extend(root.xpath(f"//@{attribute}"))
    texts.extend(root.xpath("//input[@type='submit']/@value | //button/@value"))
    return "\n".join(texts)


# The test site's people are named after their roles: their names are data, not labels.
USERNAMES = frozenset({"admin", "analyst", "supervisor", "officer", "auditor"})


def english_in(html: str) -> list[str]:
    text = shown_text(html)
    found = [phrase for phrase in english_phrases() if phrase in text]
    found += sorted(set(re.findall(r"[A-Za-z]+", text)) & (english_words() - USERNAMES))
    return found


def _french(client: Client) -> Client:
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    return client


def _pages(site) -> list[str]:  # type: ignore[no-untyped-def]
    if not NamedList.objects.filter(code="WALK").exists():
        lists.save_list(
            Actor.system(), "WALK", ListInput(values=["CN"], reason="the walk", kind="country")
        )
    profile = Profile.objects.get(code=site.profile)
    model = ModelVersion.objects.get(status="active")
    return [
        reverse("dashboard"),
        reverse("worklist"),
        reverse("declaration", args=[site.mine]),
        reverse("inspection_record", args=[site.mine]),
        reverse("profiles"),
        reverse("profile_create"),
        reverse("profile", args=[profile.code]),
        reverse("watchlist"),
        reverse("lists"),
        reverse("lists_detail", args=["WALK"]),
        reverse("trader", args=["importer", "IMP0001"]),
        reverse("models"),
        reverse("model", args=[model.version]),
        reverse("audit"),
    ]


def test_the_sign_in_page_is_french(client):
    _french(client)
    assert english_in(client.get(reverse("login")).content.decode()) == []


def test_every_page_is_french_for_the_administrator_and_the_officer(site, as_user):
    admin = _french(as_user("admin"))
    found = {}
    for path in _pages(site):
        response = admin.get(path)
        assert response.status_code == 200, path
        if english := english_in(response.content.decode()):
            found[path] = english
    officer = _french(as_user("officer"))
    for path in (reverse("worklist"), reverse("declaration", args=[site.mine])):
        if english := english_in(officer.get(path).content.decode()):
            found[f"officer {path}"] = english
    assert found == {}, "\n".join(f"{page}: {english}" for page, english in found.items())


def test_the_analysts_answers_are_french(site, as_user):
    analyst = _french(as_user("analyst"))
    good = {"criteria": 'hs_code == "870323"', "selection_pct": "100"}
    wrong = {"criteria": 'hs_code == and colour == "red"', "selection_pct": "100"}
    found = {}
    for criteria in (good, wrong):
        for name in ("profile_check", "profile_preview", "profile_backtest"):
            response = analyst.post(reverse(name), criteria, headers={"HX-Request": "true"})
            assert response.status_code == 200, name
            if english := english_in(f"<div>{response.content.decode()}</div>"):
                found[f"{name} {criteria['criteria']}"] = english
    assert found == {}, found


def test_the_walk_sees_english_where_there_is_some():
    # The check itself: an untranslated label is caught, marked English data is not.
    assert english_in("<p>Record inspection result</p>") == ["Record inspection result"]
    assert english_in('<p><span lang="en">Record inspection result</span></p>') == []
    assert english_in('<p aria-label="Record inspection result">x</p>') != []
