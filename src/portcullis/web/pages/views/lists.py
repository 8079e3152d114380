"""The named lists pages: every list, one list with its values and versions, and saving a
list's next version (the use case refuses a save on a version replaced since)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portcullis.web.errors import DomainError
from portcullis.web.pages.errors import on_form
from portcullis.web.pages.forms.lists import ListForm
from portcullis.web.pages.kit import actor_of, may, signed_in
from portcullis.web.usecases import lists
from portcullis.web.usecases.lists import ListInput


def _saved(request: HttpRequest, form: ListForm) -> HttpResponseBase | None:
    actor = actor_of(request)
    lists.save_list.authorise(actor)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    given = ListInput(
        values=form.value_list(),
        reason=data["reason"],
        kind=data["kind"],
        description=data["description"],
        valid_from=data["valid_from"],
        expires_at=data["expires_at"],
        base_version=data["base_version"] or 0,
    )
    try:
        version = lists.save_list(actor, data["code"], given)
    except DomainError as error:
        on_form(form, error)
        return None
    messages.success(
        request,
        _("%(code)s version %(number)s saved.")
        % {"code": version.named_list.code, "number": version.number},
    )
    return redirect("lists_detail", version.named_list.code)


@signed_in
def index(request: HttpRequest) -> HttpResponseBase:
    actor = actor_of(request)
    found = lists.list_lists(actor)
    form = ListForm(request.POST or None)
    if request.method == "POST" and (done := _saved(request, form)):
        return done
    context = {"lists": found, "form": form, "may_write": may(request, lists.save_list)}
    return render(request, "reference/lists.html", context)


@signed_in
def detail(request: HttpRequest, code: str) -> HttpResponseBase:
    actor = actor_of(request)
    named, versions = lists.read_list(actor, code)
    newest = versions[0] if versions else None
    initial = {
        "code": named.code,
        "kind": named.kind,
        "description": named.description,
        "values": "\n".join(newest.values) if newest else "",
        "valid_from": newest.valid_from if newest else None,
        "expires_at": newest.expires_at if newest else None,
        "base_version": newest.number if newest else 0,
    }
    form = ListForm(request.POST or None, initial=initial)
    if request.method == "POST" and (done := _saved(request, form)):
        return done
    context = {
        "named": named,
        "versions": versions,
        "newest": newest,
        "form": form,
        "may_write": may(request, lists.save_list),
    }
    return render(request, "reference/list.html", context)
