"""The officer's pages: the worklist, taking a declaration, recording what was found."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections import services
from portcullis.web.inspections.worklist import SORTS, WORK_CHANNELS, WorklistFilter, worklist
from portcullis.web.pages.access import may_see, office_codes, requires
from portcullis.web.pages.exports import csv_response, wants_csv
from portcullis.web.pages.forms.inspections import InspectionForm
from portcullis.web.reference.models import Office

PAGE_SIZE = 50


@requires("inspections.view_worklist")
def worklist_page(request: HttpRequest) -> HttpResponseBase:
    offices = office_codes(request.user)
    choice = WorklistFilter(
        offices=offices,
        office=request.GET.get("office", ""),
        channel=request.GET.get("channel", ""),
        mine=request.GET.get("mine") == "1",
        sort=request.GET.get("sort", "waiting") if request.GET.get("sort") in SORTS else "waiting",
    )
    if wants_csv(request):
        return csv_response(
            "worklist",
            ["declaration", "office", "channel", "reason", "risk", "importer", "assessed_at",
             "assigned_to"],
            (
                [d.declaration.declaration_id, d.office.code, d.channel, d.reason, d.risk_score,
                 d.declaration.importer.code if d.declaration.importer else None, d.assessed_at,
                 _assignee(d.declaration)]
                for d in worklist(choice, request.user)
            ),
        )  # fmt: skip
    page = Paginator(worklist(choice, request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    office_choices = Office.objects.order_by("code")
    if offices is not None:
        office_choices = office_choices.filter(code__in=offices)
    context = {
        "page": page,
        "choice": choice,
        "query": urlencode(kept) + "&" if kept else "",
        "offices": office_choices,
        "channels": WORK_CHANNELS,
        "sorts": SORTS,
        "may_record": request.user.has_perm("inspections.add_inspection"),
    }
    return render(request, "inspections/worklist.html", context)


def _assignee(declaration: Declaration) -> str | None:
    assignment = getattr(declaration, "assignment", None)
    return assignment.officer.get_username() if assignment else None


def _visible(request: HttpRequest, declaration_id: str) -> Declaration:
    declaration = get_object_or_404(
        Declaration.objects.select_related("office"), declaration_id=declaration_id
    )
    if not may_see(request.user, declaration):
        raise Http404  # not "forbidden": other offices' declarations are not to be known
    return declaration


@require_POST
@requires("inspections.add_inspection")
def assign(request: HttpRequest, declaration_id: str) -> HttpResponse:
    declaration = _visible(request, declaration_id)
    assignment = services.assign(declaration, request.user)
    if request.headers.get("HX-Request"):
        return render(request, "inspections/assigned.html", {"assignment": assignment})
    messages.success(request, _("%(id)s is assigned to you.") % {"id": declaration_id})
    return redirect("worklist")


@requires("inspections.add_inspection")
def record(request: HttpRequest, declaration_id: str) -> HttpResponse:
    declaration = _visible(request, declaration_id)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(declaration, form.outcome(), request.user)
        except services.InspectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The result for %(id)s is recorded.") % {"id": declaration_id}
            )
            return redirect("worklist")
    return render(request, "inspections/record.html", {"declaration": declaration, "form": form})
