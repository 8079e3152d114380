"""The monthly report as a PDF (A4, landscape), set in the bundled DejaVu Sans (Latin, Greek,
Cyrillic and more), made without any network or office software.

Laid out for reading: a first page with the month's key figures and a chart of the channels
(GREEN said apart, as its bar would dwarf the others), then one section per table. A table
with nothing in it is left out, and the first page says which and why."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from portcullis.engine.channels import Channel
from portcullis.web.choices import channel_name
from portcullis.web.figures import figure
from portcullis.web.monitoring.report import MonthlyReport
from portcullis.web.monitoring.report_tables import Cell, Table, report_tables

FONTS = Path(__file__).parent / "fonts"
INK, MUTED, LINE, WASH = (28, 33, 40), (96, 104, 115), (205, 211, 219), (236, 240, 245)
# The channels' colours, as on the pages.
COLOURS = {
    Channel.YELLOW.value: (212, 160, 23),
    Channel.RED.value: (192, 57, 43),
    Channel.BLUE.value: (46, 111, 183),
    Channel.GREEN.value: (39, 137, 76),
}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{figure(value * 100, 1)} %"


def _text(table: Table, row: int, column: int, value: Cell) -> str:
    if value is None:
        return "–"
    if table.is_percent(row, column) and isinstance(value, int | float):
        return _percent(value)
    if isinstance(value, float | Decimal):
        return figure(value, 2 if abs(float(value)) < 1000 else 0)
    if isinstance(value, int):
        return figure(value, 0)
    return value


def _document(report: MonthlyReport) -> FPDF:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(report.title)
    pdf.set_creator("Portcullis")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_text_color(*INK)
    return pdf


def _heading(pdf: FPDF, report: MonthlyReport) -> None:
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(text=report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(*MUTED)
    generated = date_format(report.generated_at, "DATETIME_FORMAT")
    pdf.cell(
        text=_("Scope: %(scope)s. Generated %(at)s. Compliance estimates come from the random "
               "compliance sample only.") % {"scope": report.scope, "at": generated},
        new_x="LMARGIN",
        new_y="NEXT",
    )  # fmt: skip
    pdf.set_text_color(*INK)


def _key_figures(pdf: FPDF, report: MonthlyReport) -> None:
    figures, estimates = report.figures, report.compliance
    whole = estimates.whole if estimates else None
    boxes = [
        (figure(report.lodged, 0), _("declarations lodged")),
        (figure(figures.selected, 0), _("selected for control")),
        (_percent(figures.inspection_rate), _("inspection rate")),
        (figure(figures.findings, 0), _("findings")),
        (
            _percent(figures.findings / report.inspected if report.inspected else None),
            _("finding rate of the inspected"),
        ),
        (figure(figures.revenue, 0), _("revenue recovered")),
        (
            _percent(whole.rate if whole and whole.sampled else None),
            _("estimated non-compliance of the flow"),
        ),
    ]
    pdf.ln(5)
    width, height, gap = (pdf.epw - 6 * 3) / 7, 22, 3
    top = pdf.get_y()
    for number, (value, label) in enumerate(boxes):
        x = pdf.l_margin + number * (width + gap)
        pdf.set_fill_color(*WASH)
        pdf.set_draw_color(*LINE)
        pdf.rect(x, top, width, height, style="DF")
        pdf.set_xy(x + 2, top + 2)
        pdf.set_font("DejaVu", "B", 15)
        pdf.cell(w=width - 4, text=value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(x + 2, top + 11)
        pdf.set_font("DejaVu", "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(w=width - 4, h=3.5, text=label, align="L")
        pdf.set_text_color(*INK)
    pdf.set_y(top + height + 6)


def _channel_chart(pdf: FPDF, report: MonthlyReport) -> None:
    """Declarations by channel: bars for the controls, GREEN as a figure apart."""
    channels = report.figures.channels
    total = sum(channels.values())
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(text=_("Declarations by channel"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    green = channels.get(Channel.GREEN.value, 0)
    pdf.set_text_color(*COLOURS[Channel.GREEN.value])
    pdf.cell(
        text=_("%(name)s (released): %(count)s, %(share)s of the month's declarations")
        % {
            "name": channel_name(Channel.GREEN.value),
            "count": figure(green, 0),
            "share": _percent(green / total if total else None),
        },
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(*INK)
    controls = [c.value for c in (Channel.RED, Channel.YELLOW, Channel.BLUE)]
    largest = max((channels.get(c, 0) for c in controls), default=0) or 1
    rates = {rate.key: rate for rate in report.figures.by_channel}
    label_width, bar_room, row = 30, pdf.epw * 0.55, 9
    pdf.ln(2)
    for channel in controls:
        count = channels.get(channel, 0)
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(w=label_width, h=row - 2, text=channel_name(channel))
        length = max(0.5, bar_room * count / largest) if count else 0
        if length:
            pdf.set_fill_color(*COLOURS[channel])
            pdf.rect(pdf.l_margin + label_width, y, length, row - 2, style="F")
        rate = rates.get(channel)
        found = (
            _("%(found)s findings of %(inspected)s inspected")
            % {"found": figure(rate.findings, 0), "inspected": figure(rate.inspected, 0)}
            if rate and rate.inspected
            else _("no outcome yet")
        )
        pdf.set_xy(pdf.l_margin + label_width + length + 2, y)
        pdf.cell(h=row - 2, text=f"{figure(count, 0)} · {found}")
        pdf.set_y(y + row)


def _omitted(pdf: FPDF, empty: list[Table]) -> None:
    if not empty:
        return
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(*MUTED)
    for table in empty:
        pdf.multi_cell(
            w=pdf.epw,
            h=5,
            text=_("%(section)s: not shown, nothing to report this month.")
            % {"section": table.title},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_text_color(*INK)


def _section(pdf: FPDF, table: Table) -> None:
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(text=table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        headings_style=FontFace(emphasis="BOLD", fill_color=WASH),
        line_height=5,
        text_align="LEFT",
        width=min(pdf.epw, 40 * len(table.header) + (60 if table.widths else 0)),
        col_widths=table.widths,
        align="LEFT",
    ) as grid:
        grid.row(table.header)
        for number, row in enumerate(table.rows):
            grid.row([_text(table, number, column, v) for column, v in enumerate(row)])


def to_pdf(report: MonthlyReport) -> bytes:
    pdf = _document(report)
    tables = report_tables(report)
    shown = [t for t in tables if t.rows]
    pdf.add_page()
    _heading(pdf, report)
    _key_figures(pdf, report)
    _channel_chart(pdf, report)
    _omitted(pdf, [t for t in tables if not t.rows])
    pdf.add_page()
    for table in shown:
        _section(pdf, table)
    return bytes(pdf.output())
