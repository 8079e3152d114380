"""The analyst's pages: profiles, the editor with its live check and preview, and the
approval workflow (nobody approves a version they wrote, edited or submitted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portcullis.web.errors import DomainError
from portcullis.web.pages.errors import on_form, show
from portcullis.web.pages.forms.period import PeriodForm, over_period, presets
from portcullis.web.pages.forms.profiles import BacktestForm, NewProfileForm, ProfileVersionForm
from portcullis.web.pages.kit import actor_of, may, signed_in
from portcullis.web.profiles.history import version_diffs
from portcullis.web.usecases import profiles
from portcullis.web.usecases.access import UseCase

StrOrPromise = str | Promise


@dataclass(frozen=True)
class Step:
    use_case: UseCase[..., Any]
    done: StrOrPromise


STEPS = {
    "submit": Step(profiles.submit, gettext_lazy("Submitted for approval.")),
    "approve": Step(profiles.approve, gettext_lazy("Approved: the version is now active.")),
    "reject": Step(profiles.reject, gettext_lazy("Rejected.")),
    "suspend": Step(profiles.suspend, gettext_lazy("Suspended: it no longer selects anything.")),
    "new": Step(
        profiles.new_version, gettext_lazy("A new draft version was started from this one.")
    ),
}


@signed_in
def index(request: HttpRequest) -> HttpResponse:
    views = profiles.list_profiles(actor_of(request))
    rows = [
        {"profile": v.profile, "latest": v.latest, "active": v.active, "stats": v.statistics}
        for v in views
    ]
    context = {
        "rows": rows,
        "may_write": may(request, profiles.create_profile),
        "review_days": settings.PORTCULLIS_PROFILE_REVIEW_DAYS,
    }
    return render(request, "profiles/index.html", context)


@signed_in
def detail(request: HttpRequest, code: str) -> HttpResponse:
    form = PeriodForm(request.GET)
    actor = actor_of(request)
    view = over_period(form, lambda period: profiles.read_profile(actor, code, period=period))
    may_approve = may(request, profiles.approve)
    for version in view.versions:
        # Four eyes: the approve button is not offered to whoever wrote or edited it.
        version.may_approve = may_approve and request.user.pk not in profiles.contributors(  # type: ignore[attr-defined]
            version
        )
    context = {
        "profile": view.profile,
        "diffs": version_diffs(view.versions),
        "stats": view.statistics,
        "review_days": settings.PORTCULLIS_PROFILE_REVIEW_DAYS,
        "may_write": may(request, profiles.edit_draft),
        "may_approve": may_approve,
        "has_draft": view.draft is not None,
        "in_period": view.in_period,
        "period_form": form,
        "presets": presets(timezone.localdate()),
    }
    return render(request, "profiles/detail.html", context)


@signed_in
def create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    profiles.create_profile.authorise(actor)
    form = NewProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = profiles.create_profile(actor, form.cleaned_data["name"], **form.settings())
        except DomainError as error:
            on_form(form, error)
        else:
            messages.success(request, _("Draft %(code)s saved.") % {"code": version.profile.code})
            return redirect("profile", version.profile.code)
    return render(request, "profiles/edit.html", {"form": form, "profile": None})


@signed_in
def edit(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    profiles.edit_draft.authorise(actor)
    draft = profiles.read_profile(actor, code).draft
    if draft is None:
        raise Http404
    form = ProfileVersionForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            profiles.edit_draft(actor, code, draft.number, **form.settings())
        except DomainError as error:
            on_form(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("profile", code)
    return render(
        request, "profiles/edit.html", {"form": form, "profile": draft.profile, "version": draft}
    )


@require_POST
@signed_in
def step(request: HttpRequest, code: str, number: int, step: str) -> HttpResponse:
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    actor = actor_of(request)
    chosen.use_case.authorise(actor)
    why = request.POST.get("reason", "")[:500]
    try:
        if step == "new":
            profiles.new_version(actor, code)
        elif step in ("reject", "suspend"):
            chosen.use_case(actor, code, number, why)
        else:
            chosen.use_case(actor, code, number)
    except DomainError as error:
        show(request, error)
    else:
        messages.success(request, str(chosen.done))
    return redirect("profile", code)


@require_POST
@signed_in
def check(request: HttpRequest) -> HttpResponse:
    criteria = request.POST.get("criteria", "")
    problems = profiles.check(actor_of(request), criteria)
    # Nothing typed yet is not an error to show in red (saving still refuses it).
    blank = not criteria.strip()
    return render(request, "profiles/checked.html", {"problems": problems, "blank": blank})


@require_POST
@signed_in
def backtest(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    profiles.backtest.authorise(actor)
    form = BacktestForm(request.POST)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        start, end = form.period()
        try:
            context["result"] = profiles.backtest(
                actor,
                start,
                end,
                criteria=form.cleaned_data["criteria"],
                selection_pct=form.cleaned_data["selection_pct"] or 100.0,
            )
        except DomainError as error:
            on_form(form, error)
    return render(request, "profiles/backtested.html", context)


@require_POST
@signed_in
def preview(request: HttpRequest) -> HttpResponse:
    result = profiles.preview_criteria(actor_of(request), request.POST.get("criteria", ""))
    return render(request, "profiles/previewed.html", {"preview": result})
