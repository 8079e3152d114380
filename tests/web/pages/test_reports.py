"""The monthly performance report: figures that agree with the database, the same tables in
an XLSX workbook and a PDF, the user's offices only, and text that stays text."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.reach import Reach
from portcullis.web.monitoring.report import ReportError, latest_month, monthly_report
from portcullis.web.monitoring.report_pdf import to_pdf
from portcullis.web.monitoring.report_tables import report_tables
from portcullis.web.monitoring.report_xlsx import to_xlsx
from portcullis.web.profiles.models import Profile
from portcullis.web.scoring.models import ProfileHit

pytestmark = pytest.mark.django_db


def _month() -> date:
    month = latest_month(Reach())
    assert month is not None
    return month


def _in_month(month: date):  # type: ignore[no-untyped-def]
    return Declaration.objects.filter(lodged_at__year=month.year, lodged_at__month=month.month)


def test_the_figures_agree_with_the_database(site):
    month = _month()
    report = monthly_report(month, Reach())
    lodged = _in_month(month)
    assert report.lodged == lodged.count()
    assert report.inspected == lodged.filter(inspection__isnull=False).count()
    assert report.figures.findings == lodged.filter(inspection__finding=True).count()
    profile = Profile.objects.get(code=site.profile)
    line = next(p for p in report.profiles if p.code == site.profile)
    hit = ProfileHit.objects.filter(
        profile_version__profile=profile, decision__declaration__in=lodged
    )
    assert line.hits == hit.values("decision__declaration").distinct().count() > 0
    assert line.active


def test_an_officer_reports_on_their_own_offices(site):
    month = _month()
    report = monthly_report(month, Reach(offices=frozenset({"30"})))
    assert report.lodged == _in_month(month).filter(office__code="30").count()
    assert report.scope == "offices 30"


def test_a_month_without_declarations_is_refused_in_words(site):
    with pytest.raises(ReportError, match="no declarations were lodged in 1999-01"):
        monthly_report(date(1999, 1, 1), Reach())


def test_the_workbook_holds_every_table_with_numbers_as_numbers_and_text_as_text(site):
    Profile.objects.filter(code=site.profile).update(name='=HYPERLINK("http://x","y")')
    report = monthly_report(_month(), Reach())
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == [table.title for table in report_tables(report)]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=5, values_only=True)}
    assert summary["declarations lodged"] == report.lodged
    assert summary["findings"] == report.figures.findings
    names = [cell for cell in book["Profiles"]["B"] if cell.value and "HYPERLINK" in cell.value]
    assert names
    assert all(cell.data_type == "s" for cell in names)
    reasons = [row[0] for row in book["Reasons"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert reasons
    assert not [r for r in reasons if "_" in r]  # words, not codes such as mandatory_profile


def test_the_pdf_is_a_document_of_its_pages(site):
    content = to_pdf(monthly_report(_month(), Reach()))
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    assert b"/Type /Pages" in content
    assert b"/Title (Portcullis monthly performance report" in content


def test_the_dashboard_offers_the_report_and_the_files_download(site, as_user):
    officer = as_user("officer")
    page = officer.get(reverse("dashboard")).content.decode()
    assert reverse("report_xlsx") in page
    month = f"{_month():%Y-%m}"
    response = officer.get(reverse("report_xlsx"), {"month": month})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="portcullis-{month}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    lodged = next(
        row[1]
        for row in book["Summary"].iter_rows(min_row=5, values_only=True)
        if row[0] == "declarations lodged"
    )
    assert lodged == _in_month(_month()).filter(office__code="30").count()  # theirs only
    pdf = officer.get(reverse("report_pdf"), {"month": month})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    bad = officer.get(reverse("report_pdf"), {"month": "March"})
    assert bad.status_code == 400
    assert "expected YYYY-MM" in bad.content.decode()


def test_the_command_writes_the_file(site, tmp_path):
    out = io.StringIO()
    target = tmp_path / "march.pdf"
    call_command("report", format="pdf", output=target, stdout=out)
    assert target.read_bytes().startswith(b"%PDF-")
    assert "Written to" in out.getvalue()
    with pytest.raises(CommandError, match="no office 12345"):
        call_command("report", offices=["12345"], stdout=out)


def test_the_pdf_opens_on_a_summary_page_with_its_key_figures_and_a_chart(site):
    import pypdfium2

    report = monthly_report(_month(), Reach())
    document = pypdfium2.PdfDocument(to_pdf(report))
    first = document[0]
    text = first.get_textpage().get_text_range()
    assert report.title in text
    for label in ("declarations lodged", "selected for control", "findings"):
        assert label in text
    assert f"{report.lodged:,}" in text
    assert "Declarations by channel" in text
    assert "(released)" in text  # GREEN said apart from the bars
    assert "mandatory_profile" not in text  # reasons in words, never codes
    image = first.render(scale=1).to_pil().convert("RGB")
    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    image.save(artifacts / "monthly-report-page-1.png")
    # The chart: the controls' bars in the channels' colours (red at least: the site's cars).
    colours = image.getcolors(maxcolors=1 << 20) or []
    red = sum(count for count, rgb in colours if rgb == (192, 57, 43))
    assert red > 200, "no red bar on the first page"
    # Every other page holds the tables; none is an empty grid of dashes.
    later = "".join(document[n].get_textpage().get_text_range() for n in range(1, len(document)))
    assert "Channels" in later
    assert "(none)" not in later


def test_the_report_reads_in_french(site):
    import pypdfium2
    from django.utils import translation

    with translation.override("fr"):
        report = monthly_report(_month(), Reach())
        text = pypdfium2.PdfDocument(to_pdf(report))[0].get_textpage().get_text_range()
        book = load_workbook(io.BytesIO(to_xlsx(report)))
    assert "Rapport mensuel de performance" in text
    assert "déclarations déposées" in text
    assert "Synthèse" in book.sheetnames
