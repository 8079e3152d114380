"""The documentation inside the product: every document renders for a signed-in reader,
links between documents lead to their pages, and nothing in a document is markup."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portcullis.web.docs import DOCUMENTS, read_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_renders_for_a_reader(as_user, name):
    response = as_user("officer").get(reverse("doc", args=[name]))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_the_profile_language_page_is_the_document_with_its_links_followed(as_user):
    page = as_user("analyst").get(reverse("doc", args=["profiles"])).content.decode()
    assert "<table>" in page  # the catalogue of fields
    assert "value_ratio" in page
    api = as_user("analyst").get(reverse("doc", args=["api"])).content.decode()
    assert f'href="{reverse("doc", args=["profiles"])}"' in api  # profiles.md, followed
    assert 'href="declaration.schema.json"' not in api  # a file the pages do not serve


def test_a_french_reader_is_told_the_page_is_in_english(as_user):
    client = as_user("officer")
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    page = client.get(reverse("doc", args=["profiles"])).content.decode()
    assert "Cette page n'existe qu'en anglais." in page
    assert '<article class="card doc" lang="en">' in page


def test_the_editor_links_to_the_language_it_is_written_in(as_user):
    page = as_user("analyst").get(reverse("profile_create")).content.decode()
    assert f'href="{reverse("doc", args=["profiles"])}"' in page


def test_only_the_named_documents_are_served_and_only_to_readers_signed_in(as_user):
    client = as_user("officer")
    for name in ("README", "secret", "examples", "declaration-schema"):
        assert client.get(reverse("doc", args=[name])).status_code == 404
    anonymous = Client().get(reverse("doc", args=["profiles"]))
    assert anonymous.status_code == 302


def test_markup_in_a_document_is_shown_as_text(tmp_path, monkeypatch):
    (tmp_path / "profiles.md").write_text(
        "# Profiles\n\n<script>alert(1)</script> [x](javascript:alert(1))\n", encoding="utf-8"
    )
    monkeypatch.setattr("portcullis.web.docs.docs_folder", lambda: tmp_path)
    document = read_document("profiles", "en")
    assert document is not None
    assert "<script>" not in document.html
    assert "&lt;script&gt;" in document.html
    assert 'href="javascript' not in document.html  # markdown-it refuses such a link
