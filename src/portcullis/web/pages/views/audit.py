"""The audit trail, filtered by who, what, which object and when."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import urlencode

from portcullis.web.pages.exports import csv_response, wants_csv
from portcullis.web.pages.kit import actor_of, signed_in
from portcullis.web.usecases import reports
from portcullis.web.usecases.reports import AuditFilter

PAGE_SIZE = 50


@signed_in
def trail(request: HttpRequest) -> HttpResponseBase:
    chosen = {
        name: request.GET.get(name, "").strip()[:100]
        for name in ("actor", "action", "object", "since", "until")
    }
    view = reports.audit_trail(actor_of(request), AuditFilter(**chosen))
    events = view.events
    if wants_csv(request):
        return csv_response(
            "audit-trail",
            ["at", "who", "action", "summary", "details"],
            (
                [e.at, e.actor_name, e.action, e.summary, json.dumps(e.details, default=str)]
                for e in events.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in chosen.items() if v}
    context = {
        "page": page,
        "chosen": chosen,
        "query": urlencode(kept) + "&" if kept else "",
        "actions": view.actions,
    }
    return render(request, "audit/trail.html", context)
