"""portcullis report [--month YYYY-MM] [--format xlsx|pdf] [--office CODE ...] [--output F]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.monitoring.report import (
    ReportError,
    latest_month,
    monthly_report,
    parse_month,
)
from portcullis.web.monitoring.report_pdf import to_pdf
from portcullis.web.monitoring.report_xlsx import to_xlsx
from portcullis.web.reference.models import Office


class Command(BaseCommand):
    help = (
        "Write the monthly performance report (inspections, findings, revenue, compliance "
        "estimates from the random sample, every profile's figures) as XLSX or PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the latest month lodged)")
        parser.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
        parser.add_argument(
            "--office",
            action="append",
            dest="offices",
            metavar="CODE",
            help="only this office's declarations (repeatable; default: every office)",
        )
        parser.add_argument(
            "--output", type=Path, help="the file to write (default: portcullis-YYYY-MM.FORMAT)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_database_ready()
        offices = options["offices"]
        if offices:
            unknown = sorted(set(offices) - set(Office.objects.values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"--office: no office {', '.join(unknown)}")
        with fail_politely("the report", options["traceback"]):
            try:
                month = parse_month(options["month"]) if options["month"] else None
                month = month or latest_month(offices)
                if month is None:
                    raise ReportError("no declarations are stored: there is no month to report")
                report = monthly_report(month, offices)
            except ReportError as error:
                raise CommandError(str(error)) from None
            kind = options["format"]
            content = to_xlsx(report) if kind == "xlsx" else to_pdf(report)
        path = options["output"] or Path(f"portcullis-{month:%Y-%m}.{kind}")
        path.write_bytes(content)
        figures = report.figures
        self.stdout.write(
            f"{report.title} ({report.scope}): {report.lodged:,} declarations, "
            f"{report.inspected:,} inspected, {figures.findings:,} findings, revenue "
            f"{figures.revenue:,.2f}; {len(report.profiles)} profiles. Written to {path}."
        )
