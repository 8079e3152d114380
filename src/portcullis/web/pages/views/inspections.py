"""The officer's pages: the worklist, taking a declaration, recording what was found; the
supervisor's correction of a recorded result."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.web.errors import DomainError
from portcullis.web.pages.errors import on_form
from portcullis.web.pages.exports import csv_response, wants_csv
from portcullis.web.pages.forms.inspections import CorrectionForm, InspectionForm
from portcullis.web.pages.kit import actor_of, may, signed_in
from portcullis.web.reference.models import Office
from portcullis.web.scoring.worklist import SORTS, WORK_CHANNELS, WorklistFilter
from portcullis.web.usecases import declarations, inspections

PAGE_SIZE = 50


@signed_in
def worklist_page(request: HttpRequest) -> HttpResponseBase:
    actor = actor_of(request)
    choice = WorklistFilter(
        office=request.GET.get("office", ""),
        channel=request.GET.get("channel", ""),
        mine=request.GET.get("mine") == "1",
        sort=request.GET.get("sort", "waiting") if request.GET.get("sort") in SORTS else "waiting",
    )
    rows = inspections.worklist(actor, choice)
    if wants_csv(request):
        return csv_response(
            "worklist",
            ["declaration", "office", "channel", "reason", "risk", "importer", "hs_code",
             "goods", "lines", "assessed_at", "assigned_to"],
            (
                [d.declaration.declaration_id, d.office.code, d.channel, d.reason, d.risk_score,
                 d.declaration.importer.code if d.declaration.importer else None,
                 *_goods(d), d.assessed_at, _assignee(d.declaration)]
                for d in rows
            ),
        )  # fmt: skip
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: str(v) for k, v in request.GET.items() if k != "page" and v}
    offices = actor.reach.office_codes
    office_choices = Office.objects.order_by("code")
    if offices is not None:
        office_choices = office_choices.filter(code__in=offices)
    context = {
        "page": page,
        "counts": inspections.count_worklist(actor, choice),
        "choice": choice,
        "query": urlencode(kept) + "&" if kept else "",
        "offices": office_choices,
        "channels": WORK_CHANNELS,
        "sorts": SORTS,
        "may_record": may(request, inspections.record_outcome),
    }
    return render(request, "inspections/worklist.html", context)


def _goods(row: object) -> tuple[object, object, object]:
    # Annotated by the worklist's query (scoring.worklist): the first line and the count.
    return (getattr(row, "first_hs", None), getattr(row, "first_goods", None),
            getattr(row, "lines", None))  # fmt: skip


def _assignee(declaration: object) -> str | None:
    assignment = getattr(declaration, "assignment", None)
    return assignment.officer.get_username() if assignment else None


@require_POST
@signed_in
def assign(request: HttpRequest, declaration_id: str) -> HttpResponse:
    assignment = inspections.assign(actor_of(request), declaration_id)
    if request.headers.get("HX-Request"):
        return render(request, "inspections/assigned.html", {"assignment": assignment})
    messages.success(request, _("%(id)s is assigned to you.") % {"id": declaration_id})
    return redirect("worklist")


@signed_in
def record(request: HttpRequest, declaration_id: str) -> HttpResponse:
    actor = actor_of(request)
    inspections.record_outcome.authorise(actor)
    page = declarations.read_declaration(actor, declaration_id)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspections.record_outcome(actor, declaration_id, form.outcome())
        except DomainError as error:
            on_form(form, error)
        else:
            messages.success(
                request, _("The result for %(id)s is recorded.") % {"id": declaration_id}
            )
            return redirect("worklist")
    context = {"declaration": page.declaration, "form": form}
    return render(request, "inspections/record.html", context)


@signed_in
def correct(request: HttpRequest, declaration_id: str) -> HttpResponse:
    actor = actor_of(request)
    inspections.correct_outcome.authorise(actor)
    page = declarations.read_declaration(actor, declaration_id)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspections.correct_outcome(
                actor, declaration_id, form.outcome(), form.cleaned_data["reason"]
            )
        except DomainError as error:
            on_form(form, error)
        else:
            messages.success(
                request, _("The result for %(id)s is corrected.") % {"id": declaration_id}
            )
            return redirect("declaration", declaration_id)
    context = {"declaration": page.declaration, "form": form, "correcting": True}
    return render(request, "inspections/record.html", context)
