from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from portcullis.web.declarations.models import Declaration
from portcullis.web.pages.access import office_filter, requires
from portcullis.web.pages.exports import csv_response, wants_csv
from portcullis.web.traders.models import Trader
from portcullis.web.traders.services import trader_declarations, trader_record


@requires("traders.view_trader", "declarations.view_declaration")
def detail(request: HttpRequest, role: str, code: str) -> HttpResponseBase:
    trader = get_object_or_404(Trader, role=role, code=code)
    scope = office_filter(request.user)  # an officer sees the record of their offices only
    record = trader_record(trader, scope)
    recent = (
        trader_declarations(trader, scope).select_related("office").prefetch_related("inspection")
    )
    if wants_csv(request):
        return csv_response(
            f"{trader.role}-{trader.code}-declarations",
            ["declaration", "lodged_at", "office", "inspected", "finding", "finding_type"],
            (_declaration_row(d) for d in recent.order_by("-lodged_at")),
        )
    page = Paginator(recent.order_by("-lodged_at"), 25).get_page(request.GET.get("page"))
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
