"""Pages about decisions and models: replay, override, the model registry."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.engine.channels import Channel
from portcullis.engine.model.artifact import ArtifactError
from portcullis.web.jobs.models import Job
from portcullis.web.jobs.services import start
from portcullis.web.pages.access import may_see, office_codes, requires
from portcullis.web.pages.forms.decisions import OverrideForm
from portcullis.web.scoring.models import Decision, ModelVersion
from portcullis.web.scoring.services import registry
from portcullis.web.scoring.services.drift import active_model_check, drift_days, latest_check
from portcullis.web.scoring.services.overriding import OverrideError, override
from portcullis.web.scoring.services.performance import WEEKS, Performance, performance
from portcullis.web.scoring.services.replaying import ReplayError, replay
from portcullis.web.scoring.services.retraining import HOLDOUT_DAYS
from portcullis.web.scoring.services.training import promote

MODEL_JOBS = (Job.Kind.TRAINING, Job.Kind.RETRAINING, Job.Kind.DRIFT)


def _visible_decision(request: HttpRequest, pk: int) -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related("declaration__office", "model_version"), pk=pk
    )
    if not may_see(request.user, decision.declaration):
        raise Http404
    return decision


@require_POST
@requires("scoring.view_decision")
def replay_decision(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible_decision(request, pk)
    try:
        result, problem = replay(decision), None
    except ReplayError as error:
        result, problem = None, str(error)
    return render(
        request,
        "scoring/replayed.html",
        {"decision": decision, "result": result, "problem": problem},
    )


@require_POST
@requires("scoring.override_decision")
def override_decision(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible_decision(request, pk)
    form = OverrideForm(request.POST, current=decision.channel)
    if form.is_valid():
        try:
            override(
                decision,
                Channel(form.cleaned_data["channel"]),
                form.cleaned_data["justification"],
                request.user,
            )
        except OverrideError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The channel is overridden; the audit trail has your reason.")
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("declaration", decision.declaration.declaration_id)


@requires("scoring.view_modelversion")
def models(request: HttpRequest) -> HttpResponse:
    versions = ModelVersion.objects.select_related("created_by").order_by("-created_at")
    jobs = Job.objects.filter(kind__in=MODEL_JOBS).order_by("-created_at")[:5]
    context = {
        "versions": versions,
        "drift": active_model_check(),
        "jobs": jobs,
        "may_train": request.user.has_perm("scoring.add_modelversion"),
        "may_activate": request.user.has_perm("scoring.change_modelversion"),
        "holdout_days": HOLDOUT_DAYS,
    }
    return render(request, "scoring/models.html", context)


@require_POST
@requires("scoring.add_modelversion")
def train(request: HttpRequest) -> HttpResponse:
    job = start(Job.Kind.RETRAINING, {}, request.user)
    messages.success(
        request,
        _(
            "Retraining started as job %(id)s: the new version is promoted only if it beats "
            "the active model on the latest %(days)s days."
        )
        % {"id": job.pk, "days": HOLDOUT_DAYS},
    )
    return redirect("models")


@requires("scoring.view_modelversion")
def model_detail(request: HttpRequest, version: str) -> HttpResponse:
    """A version's performance in use, week by week, and its latest drift check."""
    model = get_object_or_404(ModelVersion, version=version)
    figures = performance(model, office_codes(request.user))
    context = {
        "model": model,
        "figures": figures,
        "weeks": WEEKS,
        "chart": _performance_chart(figures),
        "drift": latest_check(model),
        "drift_days": drift_days(),
        "may_check": request.user.has_perm("scoring.add_modelversion")
        and model.status == ModelVersion.Status.ACTIVE,
        "jobs": Job.objects.filter(kind=Job.Kind.DRIFT).order_by("-created_at")[:1],
    }
    return render(request, "scoring/model.html", context)


@require_POST
@requires("scoring.add_modelversion")
def check_drift(request: HttpRequest) -> HttpResponse:
    job = start(Job.Kind.DRIFT, {}, request.user)
    messages.success(request, _("Drift check started as job %(id)s.") % {"id": job.pk})
    active = registry.active()
    return redirect("model", active.version) if active else redirect("models")


def _performance_chart(figures: Performance) -> dict[str, object]:
    def percent(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    return {
        "type": "line",
        "labels": [week.monday.isoformat() for week in figures.weeks],
        "series": [
            {
                "key": "red",
                "label": _("finding rate of risk selections (%)"),
                "values": [percent(week.selected_precision) for week in figures.weeks],
            },
            {
                "key": "blue",
                "label": _("precision at the target rate, random sample (%)"),
                "values": [percent(week.random_precision) for week in figures.weeks],
            },
            {
                "key": "green",
                "label": _("finding rate of the random sample (%)"),
                "values": [percent(week.base_rate) for week in figures.weeks],
            },
        ],
    }


@require_POST
@requires("scoring.change_modelversion")
def activate(request: HttpRequest, version: str) -> HttpResponse:
    chosen = get_object_or_404(ModelVersion, version=version)
    try:
        promote(chosen, request.user)
    except (ValueError, ArtifactError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(version)s is now the active model.") % {"version": version})
    return redirect("models")


@requires("scoring.view_modelversion")
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk, kind__in=MODEL_JOBS)
    return render(request, "scoring/job.html", {"job": job})
