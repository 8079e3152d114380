"""The search box: declarations within the reader's reach, traders by code or name, and the
text shown as text."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _search(client, text: str) -> str:
    response = client.get(reverse("search"), {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def test_a_declaration_is_found_by_its_id_or_its_start_within_reach(site, as_user):
    officer, supervisor = as_user("officer"), as_user("supervisor")
    assert f">{site.mine}</a>" in _search(officer, site.mine)
    assert f">{site.mine}</a>" in _search(officer, site.mine[:-1].lower())
    assert f">{site.theirs}</a>" not in _search(officer, site.theirs)  # not within reach
    assert "Nothing found" in _search(officer, site.theirs)
    assert f">{site.theirs}</a>" in _search(supervisor, site.theirs)


def test_a_trader_is_found_by_code_or_name(site, as_user):
    from portcullis.web.traders.models import Trader

    trader = Trader.objects.filter(role="importer").order_by("code").first()
    Trader.objects.filter(pk=trader.pk).update(name="Han River Motors")
    client = as_user("officer")
    assert f">{trader.code}</a>" in _search(client, trader.code)
    assert f">{trader.code}</a>" in _search(client, "river motor")


def test_a_short_or_hostile_text_is_said_back_as_text(site, as_user):
    client = as_user("officer")
    assert "Type at least 2 characters." in _search(client, "W")
    page = _search(client, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert _search(client, "x" * 10_000)  # cut short, not an error
