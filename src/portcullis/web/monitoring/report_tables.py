"""The monthly report's tables: the figures of a MonthlyReport laid out once, for every file
it is written as (report_xlsx, report_pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from portcullis.web.choices import channel_name, reason_text
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
            _("Channels"),
            [_("channel"), _("declarations"), _("inspected"), _("findings"), _("finding rate")],
            _channel_rows(report),
            frozenset({4}),
        ),
        Table(
            _("Reasons"),
            [_("reason"), _("inspected"), _("findings"), _("finding rate")],
            [[_reason(r.key), r.inspected, r.findings, r.rate] for r in report.figures.by_reason],
            frozenset({3}),
        ),
        Table(
            _("Compliance"),
            [
                _("dimension"),
                _("group"),
                _("declarations"),
                _("sampled"),
                _("findings"),
                _("estimated rate"),
                _("95 % low"),
                _("95 % high"),
                _("revenue gap"),
            ],
            [
                [
                    _dimension(dimension),
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
            _("Profiles"),
            [
                _("code"),
                _("name"),
                _("active"),
                _("hits"),
                _("inspected"),
                _("findings"),
                _("finding rate"),
                _("revenue"),
                _("all-time hits"),
                _("all-time finding rate"),
            ],
            [
                [
                    p.code,
                    p.name,
                    _("yes") if p.active else _("no"),
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
        (_("declarations lodged"), report.lodged, False),
        (_("declarations decided"), figures.decided, False),
        (_("selected for control (red or yellow)"), figures.selected, False),
        (_("inspection rate"), figures.inspection_rate, True),
        (_("inspected (outcome recorded)"), report.inspected, False),
        (_("findings"), figures.findings, False),
        (_("finding rate of the inspected"), _share(figures.findings, report.inspected), True),
        (_("revenue recovered (additional duties)"), figures.revenue, False),
        (_("random-sample declarations with an outcome"), whole.sampled if whole else 0, False),
        (_("estimated non-compliance of the flow"), whole.rate if whole else None, True),
        ("  " + _("95 % interval, low"), whole.interval.low if whole and sampled else None, True),
        ("  " + _("95 % interval, high"), whole.interval.high if whole and sampled else None, True),
        (_("estimated revenue gap over the flow"), whole.revenue_gap if whole else None, False),
        (_("share of it caught by risk selection"), estimates.share if estimates else None, True),
    ]
    return Table(
        _("Summary"),
        [_("figure"), _("value")],
        [[label, value] for label, value, _ in rows],
        percent_rows=frozenset(n for n, (_, _, percent) in enumerate(rows) if percent),
        widths=(3, 1),
    )


def _dimension(name: str) -> str:
    labels = {"section": _("HS section"), "origin": _("origin"), "office": _("office")}
    return labels.get(name, name)


def _reason(code: str) -> str:
    """A reason in words ("mandatory targeting profile", not ``mandatory_profile``)."""
    return reason_text(code)


def _channel_rows(report: MonthlyReport) -> list[list[Cell]]:
    rates = {rate.key: rate for rate in report.figures.by_channel}
    rows: list[list[Cell]] = []
    for channel, count in report.figures.channels.items():
        rate = rates.get(channel)
        inspected, findings = (rate.inspected, rate.findings) if rate else (0, 0)
        rows.append(
            [channel_name(channel), count, inspected, findings, _share(findings, inspected)]
        )
    return rows


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
