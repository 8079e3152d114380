"""What managers read: the dashboard, the monthly performance report, and the trader and
audit records, each over the declarations the reader reaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_noop as N_

from portcullis.web.audit.models import AuditEvent
from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.reach import Reach
from portcullis.web.errors import Invalid, NotFound, field_problem
from portcullis.web.monitoring.dashboard import Dashboard, dashboard
from portcullis.web.monitoring.report import (
    MonthlyReport,
    ReportError,
    latest_month,
    monthly_report,
    parse_month,
)
from portcullis.web.monitoring.trader_record import TraderRecord, trader_declarations, trader_record
from portcullis.web.periods import WINDOW_DAYS, Period, default_period
from portcullis.web.reference.models import Office
from portcullis.web.scoring.drift import active_model_check
from portcullis.web.scoring.models import DriftCheck
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.access import use_case
from portcullis.web.usecases.actor import Actor


@dataclass(frozen=True)
class DashboardView:
    figures: Dashboard
    drift: DriftCheck | None  # the active model's alert, for those who see models


MAX_DASHBOARD_DAYS = 366  # a year and a day: what one page's queries may cover


@use_case("dashboard.read", N_("see the dashboard"), permission="scoring.view_decision")
def read_dashboard(
    actor: Actor, start: date | None = None, end: date | None = None
) -> DashboardView:
    """The dashboard over ``start`` to ``end`` (days, both included). By default the 30
    days ending today in the installation's time zone (not the day of the newest
    declaration: one submission lodged now would otherwise hide everything before it);
    given only one end, the 30 days from or to it."""
    period = chosen_period(start, end)
    drift = active_model_check() if actor.holds("scoring.view_modelversion") else None
    return DashboardView(dashboard(actor.reach, period), drift)


def chosen_period(start: date | None, end: date | None, days: int = WINDOW_DAYS) -> Period:
    """The period an analytic page asked for: by default the ``days`` ending today, or
    from or to the one day given; refused, naming the field, when it runs backwards or is
    longer than allowed."""
    if start is None and end is None:
        return default_period(timezone.localdate(), days)
    if start is None:
        assert end is not None
        return default_period(end, days)
    if end is None:
        end = start + timedelta(days=days - 1)
    if end < start:
        raise Invalid(
            f"the period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})",
            problems=[field_problem("until", N_("must not come before from"))],
        )
    period = Period(start, end)
    if period.days > MAX_DASHBOARD_DAYS:
        too_long = field_problem(
            "from",
            N_("leaves a period of %(days)s days (at most %(limit)s)"),
            days=f"{period.days:,}",
            limit=MAX_DASHBOARD_DAYS,
        )
        raise Invalid(
            f"the period covers {period.days:,} days, at most {MAX_DASHBOARD_DAYS}",
            problems=[too_long],
        )
    return period


@use_case("report.monthly", N_("read the monthly report"), permission="scoring.view_decision")
def read_monthly_report(
    actor: Actor, month: str | date | None = None, offices: list[str] | None = None
) -> MonthlyReport:
    """The month's report (default: the latest month with declarations), over the offices
    the actor reaches, or some of them."""
    reach = actor.reach
    if offices:
        known = set(Office.objects.filter(code__in=offices).values_list("code", flat=True))
        unknown = sorted(set(offices) - known)
        if unknown:
            raise Invalid(f"no office {', '.join(unknown)}")
        outside = [code for code in offices if not reach.includes_office(code)]
        if outside:
            raise NotFound(f"office {', '.join(outside)} is not one you may report on")
        reach = Reach(offices=frozenset(offices), submitted_by=reach.submitted_by)
    try:
        chosen = parse_month(month) if isinstance(month, str) else month
        chosen = chosen or latest_month(reach)
        if chosen is None:
            raise ReportError("no declarations are stored yet: there is no month to report")
        return monthly_report(chosen, reach)
    except ReportError as error:
        raise Invalid(str(error)) from None


@dataclass(frozen=True)
class TraderView:
    record: TraderRecord
    declarations: QuerySet[Declaration]  # newest first, within reach


@use_case(
    "trader.read",
    N_("read traders' records"),
    permission="traders.view_trader",
)
def read_trader(actor: Actor, role: str, code: str) -> TraderView:
    """A trader's record over the declarations the actor reaches (an officer: their own
    offices' figures only)."""
    trader = Trader.objects.filter(role=role, code=code).first()
    if trader is None:
        raise NotFound(f"{role} {code} does not exist")
    scope = actor.reach.q()
    declarations = trader_declarations(trader, scope).select_related("office")
    return TraderView(
        trader_record(trader, scope),
        declarations.prefetch_related("inspection").order_by("-lodged_at"),
    )


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object: str = ""
    since: str = ""
    until: str = ""


@dataclass(frozen=True)
class AuditView:
    events: QuerySet[AuditEvent]  # newest first
    actions: QuerySet[AuditEvent]  # every action name recorded, for the filter


@use_case("audit.read", N_("read the audit trail"), permission="audit.view_auditevent")
def audit_trail(actor: Actor, chosen: AuditFilter) -> AuditView:
    """The audit events the filter keeps, newest first."""
    events = AuditEvent.objects.all()
    if chosen.actor:
        events = events.filter(actor_name=chosen.actor)
    if chosen.action:
        events = events.filter(action__startswith=chosen.action)
    if chosen.object:
        events = events.filter(Q(object_id=chosen.object) | Q(summary__icontains=chosen.object))
    since, until = parse_date(chosen.since or ""), parse_date(chosen.until or "")
    if since:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    return AuditView(events.order_by("-at", "-id"), actions)  # type: ignore[arg-type]
