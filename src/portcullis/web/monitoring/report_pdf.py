"""The monthly report as a PDF (A4, landscape), set in the bundled DejaVu Sans (Latin, Greek,
Cyrillic and more), made without any network or office software."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from portcullis.web.monitoring.report import MonthlyReport
from portcullis.web.monitoring.report_tables import Cell, Table, report_tables

FONTS = Path(__file__).parent / "fonts"


def _text(table: Table, row: int, column: int, value: Cell) -> str:
    if value is None:
        return "–"
    if table.is_percent(row, column) and isinstance(value, int | float):
        return f"{value * 100:.1f} %"
    if isinstance(value, float | Decimal):
        return f"{value:,.2f}" if abs(float(value)) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


def to_pdf(report: MonthlyReport) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(report.title)
    pdf.set_creator("Portcullis")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(text=report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(
        text=f"Scope: {report.scope}. Generated {report.generated_at:%Y-%m-%d %H:%M} UTC. "
        "Compliance estimates come from the random compliance sample only.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for table in report_tables(report):
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(text=table.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        rows = table.rows or [["(none)", *[""] * (len(table.header) - 1)]]
        with pdf.table(
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 234, 240)),
            line_height=5,
            text_align="LEFT",
            width=min(pdf.epw, 40 * len(table.header) + (60 if table.widths else 0)),
            col_widths=table.widths,
            align="LEFT",
        ) as grid:
            grid.row(table.header)
            for number, row in enumerate(rows):
                grid.row([_text(table, number, column, v) for column, v in enumerate(row)])
    return bytes(pdf.output())
