"""The monthly report as an XLSX workbook: one sheet per table, numbers kept as numbers,
shares formatted as percentages. Text from users (profile names) is written as text: a name
that starts with "=" is never a formula."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portcullis.web.monitoring.report import MonthlyReport
from portcullis.web.monitoring.report_tables import report_tables


def to_xlsx(report: MonthlyReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in report_tables(report):
        sheet = book.create_sheet(table.title)
        sheet.append([report.title])
        generated = date_format(report.generated_at, "DATETIME_FORMAT")
        sheet.append(
            [_("Scope: %(scope)s; generated %(at)s") % {"scope": report.scope, "at": generated}]
        )
        sheet.append([])
        sheet.append(table.header)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        sheet["A1"].font = Font(bold=True, size=13)
        for number, row in enumerate(table.rows):
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
            for column, cell in enumerate(sheet[sheet.max_row]):
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # text, never a formula
                if table.is_percent(number, column) and cell.value is not None:
                    cell.number_format = "0.0%"
        for column in sheet.columns:
            width = max(len(str(c.value)) for c in list(column)[3:] if c.value is not None)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
