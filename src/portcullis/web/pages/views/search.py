"""The search page: one box for a declaration or a trader."""

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from portcullis.web.pages.kit import actor_of, signed_in
from portcullis.web.usecases.search import SHORTEST, search


@signed_in
def index(request: HttpRequest) -> HttpResponseBase:
    text = request.GET.get("q", "")
    found = search(actor_of(request), text) if text.strip() else None
    return render(request, "search/index.html", {"found": found, "shortest": SHORTEST})
