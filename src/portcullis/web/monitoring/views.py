from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portcullis.web.monitoring.services import Dashboard
from portcullis.web.monitoring.services import dashboard as figures
from portcullis.web.pages.access import office_codes, requires


@requires("scoring.view_decision")
def dashboard(request: HttpRequest) -> HttpResponse:
    data = figures(office_codes(request.user))
    context = {"figures": data, "trend_chart": _trend_chart(data), "mix_chart": _mix_chart(data)}
    return render(request, "monitoring/dashboard.html", context)


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
