from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from portcullis.web.declarations.models import Declaration
from portcullis.web.pages.exports import csv_response, wants_csv
from portcullis.web.pages.kit import actor_of, signed_in
from portcullis.web.usecases import reports


@signed_in
def detail(request: HttpRequest, role: str, code: str) -> HttpResponseBase:
    view = reports.read_trader(actor_of(request), role, code)
    record, recent, trader = view.record, view.declarations, view.record.trader
    if wants_csv(request):
        return csv_response(
            f"{trader.role}-{trader.code}-declarations",
            ["declaration", "lodged_at", "office", "inspected", "finding", "finding_type"],
            (_declaration_row(d) for d in recent),
        )
    page = Paginator(recent, 25).get_page(request.GET.get("page"))
    chart = {
        "type": "line",
        "labels": [m["month"] for m in record.months],
        "series": [
            {
                "key": "declared",
                "label": _("declarations"),
                "values": [m["declarations"] for m in record.months],
            },
            {
                "key": "red",
                "label": _("finding rate (%)"),
                "values": [m["rate"] for m in record.months],
                "axis": "rate",
            },
        ],
    }
    return render(
        request,
        "traders/detail.html",
        {"record": record, "page": page, "chart": chart, "query": ""},
    )


def _declaration_row(declaration: Declaration) -> list[object]:
    inspection = getattr(declaration, "inspection", None)
    return [
        declaration.declaration_id,
        declaration.lodged_at,
        declaration.office.code,
        inspection is not None,
        inspection.finding if inspection else None,
        inspection.finding_type if inspection else None,
    ]
