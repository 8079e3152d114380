"""The pages' answer to a use case's refusal, in one place: not found and forbidden as the
404 and 403 pages; anything else the person can act on as a message on the page they came
from; a database that cannot be reached or written as a 503 page that says to retry."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import defaults

from portcullis.engine.validation import FieldProblem
from portcullis.web.database import forget_connection, unavailable
from portcullis.web.errors import DomainError, Forbidden, NotFound

logger = logging.getLogger("portcullis.pages")
RETRY_AFTER_SECONDS = 30


def show(request: HttpRequest, error: DomainError) -> None:
    """A refusal as a message on the next page shown (not found and forbidden go on to
    their own pages)."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    messages.error(request, in_words(error))


def in_words(error: DomainError) -> str:
    """A refusal in the reader's language where it was marked for the catalogue."""
    if error.said is None:
        return gettext(str(error))
    template, values = error.said
    return gettext(template) % {
        name: gettext(value) if name in _WORDS else value for name, value in values.items()
    }


# Values of a refusal that are words of ours (marked for the catalogue), not data.
_WORDS = frozenset({"what", "state"})


def _back(request: HttpRequest) -> str:
    """Where the person came from, when it is one of our own pages; else the dashboard."""
    for candidate in (request.POST.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("dashboard")


class DomainErrorMiddleware:
    """Refusals no view handled itself, for every page (the API answers its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, Forbidden):
            # Django logs the 403 in one line ("Forbidden: /path"); nothing more is needed.
            return forbidden(request, exception)
        if isinstance(exception, DomainError):
            show(request, exception)
            return HttpResponseRedirect(_back(request))
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler for the pages: a database that cannot be reached or written is a
    503 that says to retry (it may fail anywhere, even while the session is saved)."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and unavailable(error):
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        logger.error("database unavailable on %s %s: %s", request.method, request.path, first)
        forget_connection()
        # Rendered without the request: the navigation would ask the database again.
        reply = HttpResponse(render_to_string("503.html"), status=503)
        reply["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return reply
    return defaults.server_error(request)


def said(problem: FieldProblem) -> str:
    """A field's problem in the reader's language where its template is in the catalogue,
    else as the use case wrote it."""
    if problem.template:
        return gettext(problem.template) % dict(problem.values)
    return gettext(problem.message)


def on_form(form: Any, error: DomainError) -> None:
    """A refusal shown on the form: each field problem beside its field, the rest above.
    Not found and forbidden are not the form's to show: they go on to their pages."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    shown = False
    for problem in error.problems:
        if problem.field in form.fields:
            form.add_error(problem.field, said(problem))
            shown = True
    if not shown:
        form.add_error(None, in_words(error))


def forbidden(request: HttpRequest, error: Forbidden) -> HttpResponse:
    """The 403 page, saying which action the role does not include."""
    return HttpResponse(
        render_to_string("403.html", {"why": in_words(error)}, request=request), status=403
    )
