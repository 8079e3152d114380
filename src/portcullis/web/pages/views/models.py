"""The risk model's pages: the registry of versions, a version's performance in use, and
starting a retraining or a drift check (as jobs, whose progress the page follows)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portcullis.web.errors import DomainError
from portcullis.web.jobs.models import Job
from portcullis.web.pages.errors import show
from portcullis.web.pages.forms.period import PeriodForm, over_period, presets
from portcullis.web.pages.kit import actor_of, may, signed_in
from portcullis.web.scoring import registry
from portcullis.web.scoring.drift import drift_days
from portcullis.web.scoring.models import ModelVersion
from portcullis.web.scoring.performance import WEEKS, Performance
from portcullis.web.scoring.retraining import HOLDOUT_DAYS
from portcullis.web.usecases import jobs, training


@signed_in
def models(request: HttpRequest) -> HttpResponse:
    view = training.list_models(actor_of(request))
    context = {
        "versions": view.versions,
        "drift": view.drift,
        "jobs": view.jobs,
        "may_train": may(request, training.retrain_model),
        "may_activate": may(request, training.promote_model),
        "holdout_days": HOLDOUT_DAYS,
    }
    return render(request, "scoring/models.html", context)


@require_POST
@signed_in
def train(request: HttpRequest) -> HttpResponse:
    job = training.retrain_model(actor_of(request), background=True)
    assert isinstance(job, Job)
    messages.success(
        request,
        _(
            "Retraining started as job %(id)s: the new version is promoted only if it beats "
            "the active model on the latest %(days)s days."
        )
        % {"id": job.pk, "days": HOLDOUT_DAYS},
    )
    return redirect("models")


@signed_in
def model_detail(request: HttpRequest, version: str) -> HttpResponse:
    """A version's performance in use, week by week, and its latest drift check."""
    form = PeriodForm(request.GET)
    actor = actor_of(request)
    view = over_period(form, lambda period: training.read_model(actor, version, period=period))
    model = view.model
    context = {
        "period_form": form,
        "presets": presets(timezone.localdate()),
        "model": model,
        "figures": view.performance,
        "weeks": WEEKS,
        "chart": _performance_chart(view.performance),
        "drift": view.drift,
        "drift_days": drift_days(),
        "may_check": may(request, training.check_model_drift)
        and model.status == ModelVersion.Status.ACTIVE,
        "jobs": view.drift_jobs,
    }
    return render(request, "scoring/model.html", context)


@require_POST
@signed_in
def check_drift(request: HttpRequest) -> HttpResponse:
    job = training.check_model_drift(actor_of(request), background=True)
    assert isinstance(job, Job)
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
@signed_in
def activate(request: HttpRequest, version: str) -> HttpResponse:
    try:
        training.promote_model(actor_of(request), version)
    except DomainError as error:
        show(request, error)
    else:
        messages.success(request, _("%(version)s is now the active model.") % {"version": version})
    return redirect("models")


@signed_in
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.read_job(actor_of(request), pk, jobs.MODEL_JOBS)
    return render(request, "scoring/job.html", {"job": job})
