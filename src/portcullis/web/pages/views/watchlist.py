"""The watchlist page: entries in force and revoked, adding and revoking (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.web.errors import DomainError
from portcullis.web.pages.errors import on_form
from portcullis.web.pages.exports import csv_response, wants_csv
from portcullis.web.pages.forms.watchlist import EntryForm
from portcullis.web.pages.kit import actor_of, may, signed_in
from portcullis.web.usecases import watchlist
from portcullis.web.usecases.watchlist import EntryInput


@signed_in
def index(request: HttpRequest) -> HttpResponseBase:
    actor = actor_of(request)
    shown = request.GET.get("show", "in_force")
    entries = watchlist.list_entries(actor, include_revoked=shown == "all")
    form = EntryForm(request.POST or None)
    if request.method == "POST":
        watchlist.add_entry.authorise(actor)
        if form.is_valid():
            data = form.cleaned_data
            given = EntryInput(
                kind=data["kind"],
                value=data["value"],
                named_list=data["named_list"],
                reason=data["reason"],
                weight=data["weight"],
                valid_from=data["valid_from"],
                expires_at=data["expires_at"],
            )
            try:
                entry = watchlist.add_entry(actor, given)
            except DomainError as error:
                on_form(form, error)
            else:
                messages.success(request, _("%(code)s added.") % {"code": entry.code})
                return redirect("watchlist")
    if wants_csv(request):
        return csv_response(
            "watchlist",
            ["code", "kind", "value", "reason", "weight", "valid_from", "expires_at",
             "added_by", "revoked_at"],
            (
                [e.code, e.kind, e.value, e.reason, e.weight, e.valid_from, e.expires_at,
                 e.created_by.get_username() if e.created_by else "system", e.revoked_at]
                for e in entries.order_by("-created_at")
            ),
        )  # fmt: skip
    page = Paginator(entries.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "may_write": may(request, watchlist.add_entry),
        "shown": shown,
        "query": f"show={shown}&",
    }
    return render(request, "intelligence/index.html", context)


@require_POST
@signed_in
def revoke_entry(request: HttpRequest, code: str) -> HttpResponse:
    watchlist.revoke_entry(actor_of(request), code, request.POST.get("reason", "")[:500])
    messages.success(request, _("%(code)s revoked.") % {"code": code})
    return redirect("watchlist")
