"""Every table a page shows downloads as CSV: as shown, or every row where the table runs
over several pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from portcullis.web.audit.models import AuditEvent
from portcullis.web.declarations.models import Declaration

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _download(visit, name: str, nth: int = 0) -> list[list[str]]:  # type: ignore[no-untyped-def]
    with visit.page.expect_download() as started:
        visit.page.get_by_role("link", name=name).nth(nth).click()
    content = open(started.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    return list(csv.reader(io.StringIO(content)))


def test_a_table_downloads_as_shown_and_a_long_one_with_every_row(site, visit):
    visit.sign_in("admin")
    latest = timezone.localtime(Declaration.objects.latest("lodged_at").lodged_at).date()
    visit.go(f"/dashboard/?until={latest:%Y-%m-%d}")  # the site's declarations are of 2021
    tables = visit.page.locator("main table").count()
    assert visit.page.get_by_role("link", name="Download CSV").count() == tables >= 3
    rows = _download(visit, "Download CSV")  # the channel mix
    assert rows[0] == ["Channel", "Declarations"]
    shown = visit.page.locator("main table").first.locator("tbody tr").count()
    assert len(rows) == 1 + shown

    visit.go("/audit/")
    rows = _download(visit, "Download every row (CSV)")
    assert rows[0] == ["at", "who", "action", "summary", "details"]
    assert len(rows) == 1 + AuditEvent.objects.count()
