"""The monthly report as files: its tables, then the same tables as an XLSX workbook (one
sheet each, numbers kept as numbers) and as a PDF (A4, landscape), both made without any
network or office software. Text from users (profile names) is written as text: a name that
starts with "=" is never a formula."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from portcullis.web.monitoring.report import MonthlyReport

Cell = str | int | float | Decimal | None
FONTS = Path(__file__).parent / "fonts"  # DejaVu Sans: Latin, Greek, Cyrillic and more


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]
    # Cells holding shares (0.125 is 12.5 %): every number of these columns and rows.
    percent_columns: frozenset[int] = frozenset()
    percent_rows: frozenset[int] = frozenset()
    widths: tuple[int, ...] | None = None  # relative column widths in the PDF

    def is_percent(self, row: int, column: int) -> bool:
        return column in self.percent_columns or row in self.percent_rows


def report_tables(report: MonthlyReport) -> list[Table]:
    return [
        _summary(report),
        Table(
            "Channels",
            ["channel", "declarations", "inspected", "findings", "finding rate"],
            _channel_rows(report),
            frozenset({4}),
        ),
        Table(
            "Reasons",
            ["reason", "inspected", "findings", "finding rate"],
            [[r.key, r.inspected, r.findings, r.rate] for r in report.figures.by_reason],
            frozenset({3}),
        ),
        Table(
            "Compliance",
            [
                "dimension",
                "group",
                "declarations",
                "sampled",
                "findings",
                "estimated rate",
                "95 % low",
                "95 % high",
                "revenue gap",
            ],
            [
                [
                    dimension,
                    e.group,
                    e.flow,
                    e.sampled,
                    e.findings,
                    e.rate,
                    e.interval.low if e.sampled else None,
                    e.interval.high if e.sampled else None,
                    e.revenue_gap,
                ]
                for dimension, group in (
                    report.compliance.groups.items() if report.compliance else []
                )
                for e in group
            ],
            frozenset({5, 6, 7}),
        ),
        Table(
            "Profiles",
            [
                "code",
                "name",
                "active",
                "hits",
                "inspected",
                "findings",
                "finding rate",
                "revenue",
                "all-time hits",
                "all-time finding rate",
            ],
            [
                [
                    p.code,
                    p.name,
                    "yes" if p.active else "no",
                    p.hits,
                    p.inspected,
                    p.findings,
                    p.finding_rate,
                    p.revenue,
                    p.lifetime_hits,
                    p.lifetime_rate,
                ]
                for p in report.profiles
            ],
            frozenset({6, 9}),
            widths=(2, 7, 1, 1, 2, 2, 2, 2, 2, 2),
        ),
    ]


def _summary(report: MonthlyReport) -> Table:
    figures, estimates = report.figures, report.compliance
    whole = estimates.whole if estimates else None
    sampled = bool(whole and whole.sampled)
    rows: list[tuple[str, Cell, bool]] = [  # (figure, value, a share)
        ("declarations lodged", report.lodged, False),
        ("declarations decided", figures.decided, False),
        ("selected for control (red or yellow)", figures.selected, False),
        ("inspection rate", figures.inspection_rate, True),
        ("inspected (outcome recorded)", report.inspected, False),
        ("findings", figures.findings, False),
        ("finding rate of the inspected", _share(figures.findings, report.inspected), True),
        ("revenue recovered (additional duties)", figures.revenue, False),
        ("random-sample declarations with an outcome", whole.sampled if whole else 0, False),
        ("estimated non-compliance of the flow", whole.rate if whole else None, True),
        ("  95 % interval, low", whole.interval.low if whole and sampled else None, True),
        ("  95 % interval, high", whole.interval.high if whole and sampled else None, True),
        ("estimated revenue gap over the flow", whole.revenue_gap if whole else None, False),
        ("share of it caught by risk selection", estimates.share if estimates else None, True),
    ]
    return Table(
        "Summary",
        ["figure", "value"],
        [[label, value] for label, value, _ in rows],
        percent_rows=frozenset(n for n, (_, _, percent) in enumerate(rows) if percent),
        widths=(3, 1),
    )


def _channel_rows(report: MonthlyReport) -> list[list[Cell]]:
    rates = {rate.key: rate for rate in report.figures.by_channel}
    rows: list[list[Cell]] = []
    for channel, count in report.figures.channels.items():
        rate = rates.get(channel)
        inspected, findings = (rate.inspected, rate.findings) if rate else (0, 0)
        rows.append([channel, count, inspected, findings, _share(findings, inspected)])
    return rows


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- XLSX ------------------------------------------------------------------------------------


def to_xlsx(report: MonthlyReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in report_tables(report):
        sheet = book.create_sheet(table.title)
        sheet.append([report.title])
        sheet.append([f"Scope: {report.scope}; generated {report.generated_at:%Y-%m-%d %H:%M} UTC"])
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


# -- PDF -------------------------------------------------------------------------------------


def _text(table: Table, row: int, column: int, value: Cell) -> str:
    if value is None:
        return "–"
    if table.is_percent(row, column) and isinstance(value, int | float):
        return f"{value * 100:.1f} %"
    if isinstance(value, float | Decimal):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
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
