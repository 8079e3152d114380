"""`portcullis demo --no-serve`: the one command that sets everything up."""

import json
import re
import stat
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from portcullis.web.accounts.models import Account
from portcullis.web.declarations.models import Declaration, ImportBatch
from portcullis.web.inspections.models import Inspection
from portcullis.web.reference.models import Office
from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_loads_its_synthetic_world_and_users_then_adds_nothing_the_second_time(
    settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    text = out.getvalue()
    assert "Exchange rates to KRW (ECB, shipped with Portcullis): 187,208" in text
    assert "history-2025.csv: 12,000 declarations read; 12,000 stored" in text
    assert "stream-2026q1.csv: 3,000 declarations read; 3,000 stored" in text
    assert "Declarations: 15,000 (37,372 items)" in text
    held_back = int(re.search(r"the outcomes of (\d+) declarations selected", text)[1])
    assert 0 < held_back < 1_000  # a week of selections left for the officers' worklist
    assert f"Inspection outcomes: {15_000 - held_back:,}" in text
    assert Account.objects.get(user__username="officer").offices.count() == 2
    # The demo's offices have names of the demo world's own, set through the audited use case.
    assert Office.objects.filter(name="").count() == 0
    assert Office.objects.get(code="15").name == "Eastgate Road"
    assert "Reference: 13,641 HS codes, 250 countries" in text
    assert ImportBatch.objects.filter(rejected__gt=0).count() == 0
    assert Inspection.objects.filter(critical=True).count() > 0

    credentials = json.loads((tmp_path / "demo-credentials.json").read_text())
    assert stat.S_IMODE((tmp_path / "demo-credentials.json").stat().st_mode) == 0o600
    for username in ("admin", "analyst", "supervisor", "officer", "auditor"):
        assert f"  {username:<10} {credentials[username]}" in text
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password=credentials[username])

    again = StringIO()
    call_command("demo", no_serve=True, stdout=again)
    assert "0 stored, 12,000 already stored" in again.getvalue()
    assert "the outcomes of 0 declarations selected" in again.getvalue()
    assert Declaration.objects.count() == 15_000
    assert json.loads((tmp_path / "demo-credentials.json").read_text()) == credentials

    # Revenue is real: the findings are worth their assessed or expected duties.
    assert Inspection.objects.filter(finding=True, revenue__gt=0).count() > 500
    # A dollar invoice is valued in won: 60 kg of roasted coffee at a fifth of its reference.
    (fair,) = lodge(_coffee("DEMO-COFFEE-1", "600"))
    reference = fair.decision.inputs[0]["ref_unit_value"]
    rate = fair.decision.inputs[0]["rate_applied"]
    assert 1_000 < rate < 2_000  # KRW per USD, from the ECB's rates
    fifth = f"{reference * 60 / 5 / rate:.2f}"
    (cheap,) = lodge(_coffee("DEMO-COFFEE-2", fifth))
    assert cheap.decision.channel != "green"
    (note,) = cheap.decision.notes
    assert "20% of the reference" in note
    assert f"(invoiced {float(fifth):,.2f} USD at" in note


def _coffee(declaration_id: str, value: str) -> dict:
    return declaration(
        declaration_id,
        lodged_at="2026-03-20T10:00:00+09:00",
        office="27",
        country_of_departure="BR",
        items=[
            {
                "line_no": 1, "hs_code": "0901.21", "description": "Roasted coffee beans",
                "origin_country": "BR", "net_mass_kg": "60", "customs_value": value,
                "currency": "USD", "tax_rate": "8",
            }
        ],
    )  # fmt: skip
