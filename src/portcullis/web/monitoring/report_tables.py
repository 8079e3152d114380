"""The monthly report's tables: the figures of a MonthlyReport laid out once, for every file
it is written as (report_xlsx, report_pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portcullis.engine.channels import Reason
from portcullis.web.monitoring.report import MonthlyReport

Cell = str | int | float | Decimal | None


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
            [[_reason(r.key), r.inspected, r.findings, r.rate] for r in report.figures.by_reason],
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


def _reason(code: str) -> str:
    """A reason in words ("mandatory targeting profile", not ``mandatory_profile``)."""
    try:
        return Reason(code).label
    except ValueError:
        return code


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
