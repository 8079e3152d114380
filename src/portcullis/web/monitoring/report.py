"""The monthly performance report: what was lodged, selected, inspected and found in one
calendar month, the compliance of the whole flow estimated from its random sample, and each
profile's figures for the month beside its lifetime ones. The XLSX and PDF files are two
renderings of this one set of figures (report_tables, report_xlsx, report_pdf)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portcullis.engine.measurement import share
from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.reach import Reach
from portcullis.web.monitoring.compliance import RISK_REASONS, Compliance, compliance
from portcullis.web.monitoring.dashboard import Dashboard, tally_selection
from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.profiles.period_figures import hit_outcomes
from portcullis.web.scoring.queries import current_decisions


class ReportError(ValueError):
    """The month asked for cannot be reported (not a month, nothing lodged, ...)."""


@dataclass(frozen=True)
class ProfileLine:
    code: str
    name: str
    active: bool
    hits: int  # declarations of the month it hit
    inspected: int
    findings: int
    revenue: Decimal
    lifetime_hits: int
    lifetime_findings: int
    lifetime_inspected: int

    @property
    def finding_rate(self) -> float | None:
        return share(self.findings, self.inspected)

    @property
    def lifetime_rate(self) -> float | None:
        return share(self.lifetime_findings, self.lifetime_inspected)


@dataclass
class MonthlyReport:
    month: date  # its first day
    offices: list[str] | None  # None: every office
    generated_at: datetime
    lodged: int = 0
    figures: Dashboard = field(default_factory=lambda: Dashboard(as_of=None))
    compliance: Compliance | None = None
    profiles: list[ProfileLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        month = date_format(self.month, "YEAR_MONTH_FORMAT")
        return _("Portcullis monthly performance report, %(month)s") % {"month": month}

    @property
    def scope(self) -> str:
        if self.offices is None:
            return _("every office")
        return _("offices %(codes)s") % {"codes": ", ".join(self.offices)}

    @property
    def inspected(self) -> int:
        return sum(rate.inspected for rate in self.figures.by_channel)


def parse_month(text: str) -> date:
    """ "2021-03" as its first day, or a ReportError saying what is expected."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ReportError(f"month {text!r}: expected YYYY-MM, such as 2021-03") from None


def latest_month(reach: Reach) -> date | None:
    """The month of the latest declaration the scope holds (the report's default)."""
    latest = (
        Declaration.objects.filter(reach.q())
        .order_by("-lodged_at")
        .values_list("lodged_at", flat=True)
        .first()
    )
    return timezone.localtime(latest).date().replace(day=1) if latest else None


def _bounds(month: date) -> tuple[datetime, datetime]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    start = timezone.make_aware(datetime.combine(month, time.min))
    return start, timezone.make_aware(datetime.combine(following, time.min))


def monthly_report(month: date, reach: Reach) -> MonthlyReport:
    start, end = _bounds(month)
    report = MonthlyReport(month=month, offices=reach.office_codes, generated_at=timezone.now())
    report.lodged = (
        Declaration.objects.filter(reach.q(), lodged_at__gte=start, lodged_at__lt=end)
    ).count()
    if report.lodged == 0:
        raise ReportError(f"no declarations were lodged in {month:%Y-%m} in {report.scope}")
    current = current_decisions(reach).filter(lodged_at__gte=start, lodged_at__lt=end)
    tally_selection(report.figures, current)
    caught = sum(rate.findings for rate in report.figures.by_reason if rate.key in RISK_REASONS)
    report.compliance = compliance(reach, start, end, caught)
    report.profiles = _profiles(reach, start, end)
    return report


def _profiles(reach: Reach, start: datetime, end: datetime) -> list[ProfileLine]:
    """Every profile that is active or hit something in the month. A declaration counts once
    per profile, however many of its items or decisions the profile hit."""
    month = hit_outcomes(reach, start, end)
    active = set(
        ProfileVersion.objects.filter(status=ProfileVersion.Status.ACTIVE).values_list(
            "profile_id", flat=True
        )
    )
    shown = Profile.objects.filter(Q(pk__in=active) | Q(pk__in=list(month))).order_by("code")
    lines = []
    for profile in shown:
        outcomes = month.get(profile.pk, [])
        found = [duties or Decimal(0) for finding, duties in outcomes if finding]
        lines.append(
            ProfileLine(
                code=profile.code,
                name=profile.name,
                active=profile.pk in active,
                hits=len(outcomes),
                inspected=sum(1 for finding, _ in outcomes if finding is not None),
                findings=len(found),
                revenue=sum(found, Decimal(0)),
                lifetime_hits=profile.hits,
                lifetime_findings=profile.findings,
                lifetime_inspected=profile.inspected,
            )
        )
    return lines
