"""A declaration's page: its items, decisions and reasons, trader history and result, with
what the reader may do about it (record, correct, override, authorise an amendment)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.web.errors import DomainError
from portcullis.web.pages.errors import show
from portcullis.web.pages.forms.decisions import OverrideForm
from portcullis.web.pages.forms.inspections import AuthorisationForm
from portcullis.web.pages.kit import actor_of, signed_in
from portcullis.web.scoring.models import Override
from portcullis.web.usecases import decisions, declarations, inspections
from portcullis.web.usecases.declarations import control_of_page


@signed_in
def detail(request: HttpRequest, declaration_id: str) -> HttpResponse:
    actor = actor_of(request)
    page = declarations.read_declaration(actor, declaration_id)
    latest = page.latest
    override = getattr(latest, "override", None)
    overridable = override is None or override.kind != Override.Kind.PERSON
    under_control = control_of_page(page).under_control
    context = {
        "page": page,
        "declaration": page.declaration,
        "may_record": page.selected
        and page.inspection is None
        and inspections.record_outcome.allows(actor),
        "may_correct": page.inspection is not None and inspections.correct_outcome.allows(actor),
        "may_override": latest is not None
        and page.inspection is None
        and overridable
        and decisions.override_decision.allows(actor),
        "may_authorise": under_control and declarations.authorise_amendment.allows(actor),
        "override_form": OverrideForm(current=page.channel or "") if latest else None,
        "authorisation_form": AuthorisationForm(),
    }
    return render(request, "declarations/detail.html", context)


@require_POST
@signed_in
def authorise_amendment(request: HttpRequest, declaration_id: str) -> HttpResponse:
    form = AuthorisationForm(request.POST)
    if form.is_valid():
        try:
            declarations.authorise_amendment(
                actor_of(request), declaration_id, form.cleaned_data["reason"]
            )
        except DomainError as error:
            show(request, error)
        else:
            messages.success(
                request,
                _("The declarant may now amend %(id)s once; it will keep the stricter channel.")
                % {"id": declaration_id},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("declaration", declaration_id)
