"""The demo as a new user meets it: `portcullis demo` sets up its world, a declaration
lodged now over the API shows on the dashboard's default period, the presets move the
period, preview and backtest default to a period with data, the officer reads the RED
valuation case in plain words (English and French, screenshots kept), and a retraining
started from the models page completes with its verdict and figures."""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from portcullis.web.accounts.models import Account
from portcullis.web.scoring.models import Decision

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


@dataclass
class Demo:
    token: str
    passwords: dict[str, str]


@pytest.fixture
def demo(settings, tmp_path) -> Demo:
    settings.DATA_DIR = tmp_path
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    token = re.search(r"^\s+(pct_\S+)$", out.getvalue(), re.M)
    assert token is not None, out.getvalue()
    passwords = json.loads((tmp_path / "demo-credentials.json").read_text())
    return Demo(token[1], passwords)


def _lodge_now(base_url: str, token: str) -> dict:
    body = {
        "declaration_id": "DEMO-NOW-1",
        "lodged_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "office": "30", "procedure": "40", "transport_mode": "1",
        "declarant": "FOSYTA1", "importer": "TIANZK3", "seller": "TDT9OOR",
        "country_of_departure": "JP",
        "items": [{"hs_code": "0901.21", "origin_country": "VN", "net_mass_kg": "60",
                   "customs_value": "85950", "currency": "KRW", "tax_rate": "8"}],
    }  # fmt: skip
    request = urllib.request.Request(  # noqa: S310 - the live server, on loopback
        f"{base_url}/api/v1/declarations",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 201
        return json.loads(response.read())


def _red_valuation_case() -> str:
    """The officer's first RED declaration whose summary is about its price."""
    offices = Account.objects.get(user__username="officer").offices.all()
    red = (
        Decision.objects.filter(
            channel="red", declaration__office__in=offices, profile_hits__isnull=False
        )
        .filter(profile_hits__profile_version__risk_category="valuation")
        .order_by("declaration__declaration_id")
        .values_list("declaration__declaration_id", flat=True)
    )
    found = red.first()
    assert found is not None, "the demo has no RED valuation case in the officer's offices"
    return found


def test_the_demo_works_whole_for_an_analyst_an_officer_and_a_manager(demo, visit):
    lodged = _lodge_now(visit.base_url, demo.token)
    assert lodged["decision"]["channel"] in ("green", "yellow", "red", "blue")

    # The dashboard's default period ends today: the declaration lodged now is on it.
    visit.sign_in("analyst", demo.passwords["analyst"])
    visit.go("/dashboard/")
    figure = visit.page.locator(".figure").first.inner_text()
    assert figure.split()[0] == "1", figure  # lodged on the period's last day: today
    visit.screenshot("demo-dashboard-last-30-days")
    # Each preset is a period of its own, and says so.
    for preset in ("Last 7 days", "Last 90 days"):
        visit.page.get_by_role("link", name=preset).click()
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.get_by_role("link", name=preset).get_attribute("aria-current") == "true"
    assert "from=" in visit.page.url

    # Preview and backtest default to the latest period with outcomes: never empty.
    visit.go("/profiles/new/")
    visit.page.get_by_label("Criteria").fill('hs_chapter == "09"')
    visit.page.get_by_role("button", name="Preview on the latest 30 days with outcomes").click()
    preview = visit.page.locator("#preview")
    preview.get_by_text("Would have hit").wait_for()
    declarations = re.search(r"of the ([\d,]+) declarations", preview.inner_text())
    assert declarations is not None
    assert int(declarations[1].replace(",", "")) > 0
    visit.page.get_by_role("button", name="Backtest", exact=True).click()
    backtest = visit.page.locator("#backtest")
    backtest.locator("table").first.wait_for()
    assert "No declaration" not in backtest.inner_text()
    visit.screenshot("demo-profile-preview-and-backtest")
    visit.sign_out()

    # The officer reads the RED valuation case in plain words, then in French.
    case = _red_valuation_case()
    visit.sign_in("officer", demo.passwords["officer"])
    visit.go(f"/declarations/{case}/")
    text = visit.page.locator("main").inner_text()
    assert "What was unusual" in text
    assert "(Valuation) hit item" in text
    assert "What to check" in text
    assert "Commercial invoice, sales contract and proof of payment" in text
    visit.screenshot("officer-red-valuation-case-en")
    with visit.page.expect_navigation():
        visit.page.select_option("select[name=language]", "fr")
    visit.go(f"/declarations/{case}/")
    text = visit.page.locator("main").inner_text()
    assert "Ce qui sort de l'ordinaire" in text
    assert "(Valeur) a touché" in text
    assert "À vérifier" in text
    assert "Facture commerciale, contrat de vente et preuve de paiement" in text
    visit.screenshot("officer-red-valuation-case-fr")
    with visit.page.expect_navigation():
        visit.page.select_option("select[name=language]", "en")
    visit.sign_out()

    # The manager retrains from the models page; the worker runs the job to its verdict.
    visit.sign_in("admin", demo.passwords["admin"])
    visit.go("/models/")
    visit.page.get_by_role("button", name="Retrain: a challenger against the active model").click()
    visit.page.get_by_role("progressbar", name="Training progress").wait_for()
    call_command("worker", batch=True, retrain_every=0, stdout=StringIO())
    visit.page.reload()
    verdict = visit.page.locator(".ok").first
    verdict.wait_for()
    assert re.search(r"Trained m-\w+: (promoted|kept as a candidate)\.", verdict.inner_text())
    visit.go("/models/")
    assert "precision" in visit.page.locator("main").inner_text()
    visit.screenshot("demo-retrained")
