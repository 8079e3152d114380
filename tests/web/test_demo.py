"""`portcullis demo --no-serve`: the one command that sets everything up."""

import json
import stat
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

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
    assert "Inspection outcomes: 45,519 (9,818 with a finding)" in text
    assert "Reference: 13,641 HS codes, 250 countries" in text
    assert ImportBatch.objects.filter(rejected__gt=0).count() == 0
    assert Inspection.objects.filter(critical=True).count() > 0

    credentials = json.loads((tmp_path / "demo-credentials.json").read_text())
    assert stat.S_IMODE((tmp_path / "demo-credentials.json").stat().st_mode) == 0o600
    for username in ("admin", "analyst", "officer"):
        assert f"  {username:<8} {credentials[username]}" in text
        assert authenticate(username=username, password=credentials[username]) is not None

    again = StringIO()
    call_command("demo", no_serve=True, stdout=again)
    assert "0 stored, 37,385 already stored" in again.getvalue()
    assert Declaration.objects.count() == 45_519
    assert json.loads((tmp_path / "demo-credentials.json").read_text()) == credentials
