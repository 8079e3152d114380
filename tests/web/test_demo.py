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

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_loads_the_bundled_data_and_users_then_adds_nothing_the_second_time(
    settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    text = out.getvalue()
    assert "declarations-2020.csv.gz: 37,385 declarations read; 37,385 stored" in text
    assert "declarations-2021q1.csv.gz: 8,134 declarations read; 8,134 stored" in text
    assert "Declarations: 45,519 (45,519 items)" in text
    held_back = int(re.search(r"the outcomes of (\d+) declarations selected", text)[1])
    assert 0 < held_back < 1_000  # a week of selections left for the officers' worklist
    assert f"Inspection outcomes: {45_519 - held_back:,}" in text
    assert Account.objects.get(user__username="officer").offices.count() == 2
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
    assert "0 stored, 37,385 already stored" in again.getvalue()
    assert "the outcomes of 0 declarations selected" in again.getvalue()
    assert Declaration.objects.count() == 45_519
    assert json.loads((tmp_path / "demo-credentials.json").read_text()) == credentials
