"""The watchlist page: entries in force and revoked, adding and revoking (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.engine.watchlist import WatchlistError
from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.intelligence.services import add_entry, revoke
from portcullis.web.pages.access import holds, requires
from portcullis.web.pages.exports import csv_response, wants_csv
from portcullis.web.pages.forms.watchlist import EntryForm

WRITE = "intelligence.add_watchlistentry"


@requires("intelligence.view_watchlistentry")
def index(request: HttpRequest) -> HttpResponseBase:
    may_write = holds(request.user, WRITE)
    form = EntryForm(request.POST or None)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = add_entry(
                    data["kind"],
                    data["value"],
                    data["reason"],
                    request.user,
                    weight=data["weight"],
                    valid_from=data["valid_from"],
                    expires_at=data["expires_at"],
                )
            except WatchlistError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(code)s added.") % {"code": entry.code})
                return redirect("watchlist")
    shown = request.GET.get("show", "in_force")
    entries = WatchlistEntry.objects.select_related("created_by", "revoked_by")
    if shown != "all":
        entries = entries.filter(revoked_at__isnull=True)
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
        "may_write": may_write,
        "shown": shown,
        "query": f"show={shown}&",
    }
    return render(request, "intelligence/index.html", context)


@require_POST
@requires(WRITE)
def revoke_entry(request: HttpRequest, code: str) -> HttpResponse:
    entry = get_object_or_404(WatchlistEntry, code=code)
    revoke(entry, request.user, request.POST.get("reason", "")[:500])
    messages.success(request, _("%(code)s revoked.") % {"code": code})
    return redirect("watchlist")
