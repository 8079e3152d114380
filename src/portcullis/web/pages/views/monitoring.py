from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from portcullis.web.monitoring.report import (
    ReportError,
    latest_month,
    monthly_report,
    parse_month,
)
from portcullis.web.monitoring.report_pdf import to_pdf
from portcullis.web.monitoring.report_xlsx import to_xlsx
from portcullis.web.monitoring.services import Dashboard
from portcullis.web.monitoring.services import dashboard as figures
from portcullis.web.pages.access import office_codes, requires
from portcullis.web.pages.exports import csv_response
from portcullis.web.scoring.services.drift import active_model_check

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires("scoring.view_decision")
def dashboard(request: HttpRequest) -> HttpResponse:
    data = figures(office_codes(request.user))
    context = {
        "figures": data,
        "trend_chart": _trend_chart(data),
        "mix_chart": _mix_chart(data),
        "drift": active_model_check()
        if request.user.has_perm("scoring.view_modelversion")
        else None,
    }
    return render(request, "monitoring/dashboard.html", context)


@requires("scoring.view_decision")
def monthly_report_file(request: HttpRequest, kind: str) -> HttpResponse:
    """The monthly performance report of ?month=YYYY-MM (default: the latest month with
    declarations) as XLSX or PDF, over the offices the user sees."""
    offices = office_codes(request.user)
    try:
        month = parse_month(request.GET["month"]) if request.GET.get("month") else None
        month = month or latest_month(offices)
        if month is None:
            raise ReportError("no declarations are stored yet: there is no month to report")
        report = monthly_report(month, offices)
    except ReportError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    content, mime = (
        (to_xlsx(report), XLSX) if kind == "xlsx" else (to_pdf(report), "application/pdf")
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="portcullis-{month:%Y-%m}.{kind}"'
    return response


@requires("scoring.view_decision")
def compliance_csv(request: HttpRequest) -> HttpResponseBase:
    """The dashboard's compliance estimates, every group, as CSV."""
    data = figures(office_codes(request.user))
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
    return {
        "type": "bar",
        "labels": [_("channel")],
        "series": [
            {"key": channel, "label": channel, "values": [count]}
            for channel, count in data.channels.items()
        ],
    }
