"""Acting on a decision from its declaration's page: replay it, override its channel."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.engine.channels import Channel
from portcullis.web.errors import CannotReplay, DomainError
from portcullis.web.pages.errors import show
from portcullis.web.pages.forms.decisions import OverrideForm
from portcullis.web.pages.kit import actor_of, signed_in
from portcullis.web.usecases import decisions


@require_POST
@signed_in
def replay_decision(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    decision = decisions.read_decision(actor, pk)
    try:
        result, problem = decisions.replay_decision(actor, pk), None
    except CannotReplay as error:
        result, problem = None, str(error)
    return render(
        request,
        "scoring/replayed.html",
        {"decision": decision, "result": result, "problem": problem},
    )


@require_POST
@signed_in
def override_decision(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    decisions.override_decision.authorise(actor)
    decision = decisions.read_decision(actor, pk)
    form = OverrideForm(request.POST, current=decision.channel)
    if form.is_valid():
        try:
            decisions.override_decision(
                actor,
                pk,
                Channel(form.cleaned_data["channel"]),
                form.cleaned_data["justification"],
            )
        except DomainError as error:
            show(request, error)
        else:
            messages.success(
                request, _("The channel is overridden; the audit trail has your reason.")
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("declaration", decision.declaration.declaration_id)
