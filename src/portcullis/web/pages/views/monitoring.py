"""The manager's pages: the dashboard, its compliance table as CSV, the monthly report."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portcullis.web.errors import Invalid
from portcullis.web.monitoring.compliance import MIN_SAMPLED
from portcullis.web.monitoring.dashboard import Dashboard
from portcullis.web.monitoring.report_pdf import to_pdf
from portcullis.web.monitoring.report_xlsx import to_xlsx
from portcullis.web.pages.exports import csv_response
from portcullis.web.pages.forms.period import PeriodForm, over_period, presets
from portcullis.web.pages.kit import actor_of, signed_in
from portcullis.web.pages.templatetags.portcullis import channel as channel_badge
from portcullis.web.usecases import reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    actor = actor_of(request)
    view = over_period(form, lambda period: reports.read_dashboard(actor, *period))
    data = view.figures
    context = {
        "figures": data,
        "period_form": form,
        "min_sampled": MIN_SAMPLED,
        "presets": presets(timezone.localdate()),
        "trend_chart": _trend_chart(data),
        "mix_chart": _mix_chart(data),
        "drift": view.drift,
    }
    return render(request, "monitoring/dashboard.html", context)


@signed_in
def monthly_report_file(request: HttpRequest, kind: str) -> HttpResponse:
    """The monthly performance report of ?month=YYYY-MM (default: the latest month with
    declarations) as XLSX or PDF, over the offices the user sees."""
    try:
        report = reports.read_monthly_report(actor_of(request), request.GET.get("month") or None)
    except Invalid as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    content, mime = (
        (to_xlsx(report), XLSX) if kind == "xlsx" else (to_pdf(report), "application/pdf")
    )
    response = HttpResponse(content, content_type=mime)
    month = report.month
    response["Content-Disposition"] = f'attachment; filename="portcullis-{month:%Y-%m}.{kind}"'
    return response


@signed_in
def compliance_csv(request: HttpRequest) -> HttpResponseBase:
    """The dashboard's compliance estimates, every group, as CSV."""
    form = PeriodForm(request.GET)
    if not form.is_valid():  # a file of another period than asked would mislead
        refused = "; ".join(
            f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
        )
        return HttpResponse(refused, status=400, content_type="text/plain; charset=utf-8")
    try:
        data = reports.read_dashboard(actor_of(request), *form.chosen()).figures
    except Invalid as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    rows = []
    if data.compliance is not None:
        groups = [("all", data.compliance.whole)] + [
            (dimension, estimate)
            for dimension, estimates in data.compliance.groups.items()
            for estimate in estimates
        ]
        for dimension, estimate in groups:
            revenue = estimate.revenue_interval
            rows.append(
                [
                    dimension, estimate.group, estimate.flow, estimate.sampled,
                    estimate.findings, estimate.rate, estimate.interval.low,
                    estimate.interval.high, estimate.revenue_gap,
                    revenue.low if revenue else None, revenue.high if revenue else None,
                ]
            )  # fmt: skip
    day = data.as_of.isoformat() if data.as_of else "empty"
    return csv_response(
        f"compliance-{day}",
        ["dimension", "group", "declarations", "sampled", "findings", "rate", "rate_low",
         "rate_high", "revenue_gap", "revenue_gap_low", "revenue_gap_high"],
        rows,
    )  # fmt: skip


def _trend_chart(data: Dashboard) -> dict[str, Any]:
    trend = data.trend
    return {
        "type": "line",
        "labels": trend.get("labels", []),
        "series": [
            {"key": "declared", "label": _("declarations"), "values": trend.get("declared", [])},
            {"key": "red", "label": _("selected"), "values": trend.get("selected", [])},
            {
                "key": "yellow",
                "label": _("finding rate (%)"),
                "values": trend.get("finding_rate", []),
                "axis": "rate",
            },
        ],
    }


def _mix_chart(data: Dashboard) -> dict[str, Any]:
    # On a logarithmic scale: GREEN is often ninety-odd per cent of the flow, and on a
    # linear one RED, YELLOW and BLUE were bars too small to see.
    return {
        "type": "bar",
        "log": True,
        "labels": [_("declarations (logarithmic scale)")],
        "series": [
            {"key": key, "label": str(channel_badge(key)["name"]), "values": [count]}
            for key, count in data.channels.items()
        ],
    }
