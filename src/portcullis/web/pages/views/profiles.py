"""The analyst's pages: profiles, the editor with its live check and preview, and the
approval workflow (an author never approves their own version)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portcullis.web.pages.access import holds, requires
from portcullis.web.pages.forms.profiles import BacktestForm, NewProfileForm, ProfileVersionForm
from portcullis.web.profiles import services
from portcullis.web.profiles.backtesting import BacktestError, backtest_profiles, draft
from portcullis.web.profiles.history import version_diffs
from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.profiles.preview import preview as preview_criteria
from portcullis.web.profiles.statistics import history_as_of, statistics

Status = ProfileVersion.Status
WRITE = "profiles.change_profile"
APPROVE = "profiles.approve_profileversion"


@dataclass(frozen=True)
class Step:
    permissions: tuple[str, ...]
    done: str


STEPS = {
    "submit": Step((WRITE,), gettext_lazy("Submitted for approval.")),
    "approve": Step((APPROVE,), gettext_lazy("Approved: the version is now active.")),
    "reject": Step((APPROVE,), gettext_lazy("Rejected.")),
    "suspend": Step((WRITE, APPROVE), gettext_lazy("Suspended: it no longer selects anything.")),
    "new": Step((WRITE,), gettext_lazy("A new draft version was started from this one.")),
}


@requires("profiles.view_profile")
def index(request: HttpRequest) -> HttpResponse:
    profiles = list(
        Profile.objects.prefetch_related(
            Prefetch("versions", queryset=ProfileVersion.objects.order_by("-number"))
        )
    )
    as_of = history_as_of()
    rows = []
    for profile in profiles:
        versions = list(profile.versions.all())
        active = next((v for v in versions if v.status == Status.ACTIVE), None)
        rows.append(
            {
                "profile": profile,
                "latest": versions[0] if versions else None,
                "active": active,
                "stats": statistics(profile, active=active is not None, as_of=as_of),
            }
        )
    context = {
        "rows": rows,
        "may_write": holds(request.user, WRITE),
        "review_days": settings.PORTCULLIS_PROFILE_REVIEW_DAYS,
    }
    return render(request, "profiles/index.html", context)


@requires("profiles.view_profile")
def detail(request: HttpRequest, code: str) -> HttpResponse:
    profile = get_object_or_404(Profile, code=code)
    versions = list(profile.versions.select_related("author", "approver"))
    context = {
        "profile": profile,
        "diffs": version_diffs(versions),
        "stats": statistics(
            profile,
            active=any(v.status == Status.ACTIVE for v in versions),
            as_of=history_as_of(),
        ),
        "review_days": settings.PORTCULLIS_PROFILE_REVIEW_DAYS,
        "may_write": holds(request.user, WRITE),
        "may_approve": holds(request.user, APPROVE),
        "has_draft": any(v.status == Status.DRAFT for v in versions),
    }
    return render(request, "profiles/detail.html", context)


@requires("profiles.add_profile", WRITE)
def create(request: HttpRequest) -> HttpResponse:
    form = NewProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.create_profile(
                form.cleaned_data["name"], request.user, **form.settings()
            )
        except (services.ProfileWorkflowError, services.CriteriaError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Draft %(code)s saved.") % {"code": version.profile.code})
            return redirect("profile", version.profile.code)
    return render(request, "profiles/edit.html", {"form": form, "profile": None})


@requires(WRITE)
def edit(request: HttpRequest, code: str) -> HttpResponse:
    draft = (
        ProfileVersion.objects.select_related("profile")
        .filter(profile__code=code, status=Status.DRAFT)
        .order_by("-number")
        .first()
    )
    if draft is None:
        raise Http404
    form = ProfileVersionForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_draft(draft, request.user, **form.settings())
        except (services.ProfileWorkflowError, services.CriteriaError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("profile", code)
    return render(
        request, "profiles/edit.html", {"form": form, "profile": draft.profile, "version": draft}
    )


@require_POST
@requires("profiles.view_profile")
def step(request: HttpRequest, code: str, number: int, step: str) -> HttpResponse:
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    if not holds(request.user, *chosen.permissions, any_of=True):
        raise PermissionDenied
    version = get_object_or_404(
        ProfileVersion.objects.select_related("profile"), profile__code=code, number=number
    )
    why = request.POST.get("reason", "")[:500]
    try:
        if step == "submit":
            services.submit(version, request.user)
        elif step == "approve":
            services.approve(version, request.user)
        elif step == "reject":
            services.reject(version, request.user, why)
        elif step == "suspend":
            services.suspend(version, request.user, why)
        else:
            services.new_version(version.profile, request.user)
    except (services.ProfileWorkflowError, services.CriteriaError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(chosen.done))
    return redirect("profile", code)


@require_POST
@requires(WRITE)
def check(request: HttpRequest) -> HttpResponse:
    problems = services.check_criteria(request.POST.get("criteria", ""))
    return render(request, "profiles/checked.html", {"problems": problems})


@require_POST
@requires(WRITE)
def backtest(request: HttpRequest) -> HttpResponse:
    form = BacktestForm(request.POST)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        criteria = form.cleaned_data["criteria"]
        problems = services.check_criteria(criteria)
        if problems:
            form.add_error("criteria", _("Correct the criteria first."))
        else:
            start, end = form.period()
            try:
                proposal = draft(criteria, form.cleaned_data["selection_pct"] or 100.0)
                context["result"] = backtest_profiles(proposal, start, end)
            except BacktestError as error:
                form.add_error(None, str(error))
    return render(request, "profiles/backtested.html", context)


@require_POST
@requires(WRITE)
def preview(request: HttpRequest) -> HttpResponse:
    criteria = request.POST.get("criteria", "")
    result = preview_criteria(criteria) if not services.check_criteria(criteria) else None
    return render(request, "profiles/previewed.html", {"preview": result})
