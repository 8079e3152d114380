"""portcullis report [--month YYYY-MM] [--format xlsx|pdf] [--office CODE ...] [--output F]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portcullis.web.cli.kit import ensure_database_ready, fail_politely
from portcullis.web.errors import DomainError
from portcullis.web.monitoring.report_pdf import to_pdf
from portcullis.web.monitoring.report_xlsx import to_xlsx
from portcullis.web.usecases import reports
from portcullis.web.usecases.actor import Actor


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
        with fail_politely("the report", options["traceback"]):
            try:
                report = reports.read_monthly_report(
                    Actor.command(), options["month"], options["offices"]
                )
            except DomainError as error:
                raise CommandError(
                    f"--office: {error}" if "office" in str(error) else str(error)
                ) from None
            month = report.month
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
