"""The audit trail, filtered by who, what, which object and when."""

from __future__ import annotations

import json
from datetime import datetime, time

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode

from portcullis.web.audit.models import AuditEvent
from portcullis.web.pages.access import requires
from portcullis.web.pages.exports import csv_response, wants_csv

PAGE_SIZE = 50


@requires("audit.view_auditevent")
def trail(request: HttpRequest) -> HttpResponseBase:
    chosen = {
        name: request.GET.get(name, "").strip()[:100]
        for name in ("actor", "action", "object", "since", "until")
    }
    events = AuditEvent.objects.all()
    if chosen["actor"]:
        events = events.filter(actor_name=chosen["actor"])
    if chosen["action"]:
        events = events.filter(action__startswith=chosen["action"])
    if chosen["object"]:
        events = events.filter(object_id=chosen["object"]) | events.filter(
            summary__icontains=chosen["object"]
        )
    since, until = parse_date(chosen["since"] or ""), parse_date(chosen["until"] or "")
    if since:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    if wants_csv(request):
        return csv_response(
            "audit-trail",
            ["at", "who", "action", "summary", "details"],
            (
                [e.at, e.actor_name, e.action, e.summary, json.dumps(e.details, default=str)]
                for e in events.order_by("-at", "-id").iterator(chunk_size=2000)
            ),
        )
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in chosen.items() if v}
    context = {
        "page": page,
        "chosen": chosen,
        "query": urlencode(kept) + "&" if kept else "",
        "actions": AuditEvent.objects.order_by("action")
        .values_list("action", flat=True)
        .distinct(),
    }
    return render(request, "audit/trail.html", context)
