"""The API's interactive docs open in a real browser, from local assets, show the operations
and raise no console error (its OpenAPI document once had duplicate keys, and the page only
said "Parser error: duplicated mapping key")."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_shows_the_operations(visit):
    visit.go("/api/v1/docs")
    page = visit.page
    page.wait_for_selector(".opblock", timeout=20_000)
    operations = page.locator(".opblock").count()
    assert operations >= 25
    assert page.get_by_text("/api/v1/declarations/{declaration_id}/amendment-authorisation").count()
    assert not page.get_by_text("Parser error").count()
    visit.screenshot("api-docs")
