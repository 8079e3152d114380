"""CSV exports of the tables that run over several pages: every row the page's filters and
the user's offices allow, and text that a spreadsheet shows rather than runs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portcullis.web.audit.models import AuditEvent
from portcullis.web.audit.services import record
from portcullis.web.pages.exports import csv_response, safe
from portcullis.web.scoring.models import CurrentDecision
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.watchlist import EntryInput, add_entry
from tests.web.pages.downloads import csv_rows

pytestmark = pytest.mark.django_db


def test_the_worklist_exports_every_waiting_declaration_of_the_officers_offices(site, as_user):
    rows = csv_rows(as_user("officer").get(reverse("worklist"), {"format": "csv"}))
    assert rows
    assert {row["office"] for row in rows} == {"30"}
    assert site.mine in {row["declaration"] for row in rows}
    assert site.theirs not in {row["declaration"] for row in rows}
    everyone = csv_rows(as_user("admin").get(reverse("worklist"), {"format": "csv"}))
    assert len(everyone) > len(rows)
    red = csv_rows(as_user("admin").get(reverse("worklist"), {"channel": "red", "format": "csv"}))
    assert red
    assert {row["channel"] for row in red} == {"red"}


def test_the_audit_trail_exports_every_event_its_filter_keeps(site, as_user, people):
    for n in range(60):  # more than a page
        record(people["admin"], "model.note", people["admin"], f"note {n}")
    rows = csv_rows(as_user("auditor").get(reverse("audit"), {"format": "csv"}))
    assert len(rows) == AuditEvent.objects.count() > 60
    kept = csv_rows(
        as_user("auditor").get(reverse("audit"), {"action": "profile", "format": "csv"})
    )
    assert kept
    assert all(row["action"].startswith("profile") for row in kept)
    assert as_user("officer").get(reverse("audit"), {"format": "csv"}).status_code == 403


def test_watchlist_text_that_looks_like_a_formula_stays_text(site, as_user, people):
    formula = '=HYPERLINK("http://evil","click")'
    add_entry(Actor.person(people["analyst"]), EntryInput("importer", "IMP0001", formula))
    rows = csv_rows(as_user("analyst").get(reverse("watchlist"), {"format": "csv"}))
    reasons = [row["reason"] for row in rows]
    assert '\'=HYPERLINK("http://evil","click")' in reasons


def test_a_trader_exports_the_declarations_the_user_may_see(site, as_user):
    url = reverse("trader", args=["importer", "IMP0001"])
    everyone = csv_rows(as_user("admin").get(url, {"format": "csv"}))
    officer = csv_rows(as_user("officer").get(url, {"format": "csv"}))
    assert everyone
    assert {row["office"] for row in officer} <= {"30"}
    assert (
        len(officer)
        == CurrentDecision.objects.filter(
            declaration__importer__code="IMP0001", office__code="30"
        ).count()
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-12.5", "-12.5"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("plain", "plain"),
    ],
)
def test_safe(text, shown):
    assert safe(text) == shown


def test_a_download_name_from_data_cannot_break_its_header():
    response = csv_response('importer-A"; evil=1', ["a"], [])
    assert response["Content-Disposition"] == 'attachment; filename="importer-A_evil1.csv"'
