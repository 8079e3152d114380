"""A model's performance in use and its drift: figures that agree with the database, a
stored and audited check, an alert when the flow moves, and who may see and start them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from portcullis.engine.performance import RISK_SELECTED
from portcullis.web.audit.models import AuditEvent
from portcullis.web.declarations.models import Item
from portcullis.web.declarations.reach import Reach
from portcullis.web.jobs.models import Job
from portcullis.web.scoring import performance as performance_service
from portcullis.web.scoring import registry
from portcullis.web.scoring.drift import DriftError, check_drift
from portcullis.web.scoring.models import CurrentDecision, DriftCheck, ModelVersion
from portcullis.web.scoring.performance import performance
from portcullis.web.usecases.jobs import run

pytestmark = pytest.mark.django_db


def _active() -> ModelVersion:
    return ModelVersion.objects.get(status=ModelVersion.Status.ACTIVE)


def test_only_the_latest_weeks_are_read(site):
    """The site's two newest declarations came a year after the rest."""
    figures = performance(_active(), Reach())
    assert figures.total is not None
    assert figures.total.declarations == 2


def test_weekly_figures_agree_with_the_stored_decisions(site, monkeypatch):
    monkeypatch.setattr(performance_service, "WEEKS", 60)
    model = _active()
    figures = performance(model, Reach())
    scored = CurrentDecision.objects.filter(decision__model_version=model)
    assert figures.weeks
    assert figures.total is not None
    assert figures.total.declarations == scored.count()
    sampled = scored.filter(sampled=True, declaration__inspection__isnull=False)
    assert figures.total.sampled == sampled.count()
    assert (
        figures.total.sampled_findings
        == sampled.filter(declaration__inspection__finding=True).count()
    )
    risk = scored.filter(reason__in=RISK_SELECTED, declaration__inspection__isnull=False)
    assert figures.total.selected_inspected == risk.count()
    # An officer sees their own office's declarations only.
    assert (
        performance(model, Reach(offices=frozenset({"30"}))).total.declarations
        == scored.filter(office__code="30").count()
    )


def test_a_drift_check_is_stored_and_audited(site):
    check = check_drift(None, days=30)
    model = _active()
    assert check.model_version == model
    names = {shift["name"] for shift in check.report["features"]}
    assert names == set(registry.load(model.version).spec.names)
    assert check.score_psi == check.report["score"]["psi"] >= 0
    assert check.alert == bool(check.report["alerts"])
    assert check.items == check.report["items"] > 0
    assert AuditEvent.objects.filter(action="model.drift", object_id=str(model.pk)).exists()


def test_a_flow_that_moves_raises_an_alert(site):
    latest = Item.objects.order_by("-declaration__lodged_at").first().declaration.lodged_at
    Item.objects.filter(declaration__lodged_at__gte=latest.replace(day=1)).update(
        customs_value=F("customs_value") * 1000
    )
    check = check_drift(None, days=30)
    assert check.alert
    assert "log_customs_value" in check.report["alerts"]
    event = AuditEvent.objects.filter(action="model.drift").latest("at")
    assert "ALERT" in event.summary
    out = StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("drift", days=30, stdout=out)
    assert stopped.value.code == 3
    assert "ALERT: " in out.getvalue()
    assert "log_customs_value" in out.getvalue()


def test_a_model_without_references_cannot_be_checked(site):
    model = _active()
    registry.load(model.version).metadata.pop("reference")
    try:
        with pytest.raises(DriftError, match="retrain it"):
            check_drift(None)
    finally:
        registry.load.cache_clear()


def test_the_drift_job_runs_from_the_page_and_the_pages_show_it(site, as_user):
    admin = as_user("admin")
    response = admin.post(reverse("models_drift"))
    assert response.status_code == 302
    job = Job.objects.get(kind=Job.Kind.DRIFT)
    run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert DriftCheck.objects.get().pk == job.result["check"]
    model = _active()
    url = reverse("model", args=[model.version])
    page = as_user("analyst").get(url, {"until": "2021-03-31"}).content.decode()
    assert 'data-export="model-performance"' in page
    assert 'data-export="model-drift"' in page
    assert "log_customs_value" in page
    assert "Check the latest" not in page  # analysts read; the administrator starts checks
    registry_page = as_user("analyst").get(reverse("models")).content.decode()
    assert reverse("model", args=[model.version]) in registry_page


def test_the_dashboard_warns_of_a_drift_alert_those_who_watch_models(site, as_user):
    check = check_drift(None, days=30)
    DriftCheck.objects.filter(pk=check.pk).update(
        alert=True, report={**check.report, "alerts": ["log_unit_value"]}
    )
    analyst = as_user("analyst").get(reverse("dashboard")).content.decode()
    assert "Drift alert on the active model: value per kg" in analyst
    officer = as_user("officer").get(reverse("dashboard")).content.decode()
    assert "Drift alert" not in officer
