"""Checking the active model for drift: its inputs and score over the latest DRIFT_DAYS of
declarations against the reference distributions kept from its training window.

Features are built as scoring builds them (the model's own reference prices, trader history
point in time), so a shift means the flow moved, not the arithmetic. An alert is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import polars as pl
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from portcullis.engine.drift import compare
from portcullis.engine.features import FeatureContext, build_features
from portcullis.engine.features.compliance import ComplianceHistory
from portcullis.engine.features.derived import add_derived
from portcullis.web.audit.services import record
from portcullis.web.scoring import registry
from portcullis.web.scoring.history_copy import all_items
from portcullis.web.scoring.models import DriftCheck, ModelVersion


class DriftError(ValueError):
    """No drift check is possible (no active model, no recent declarations, ...)."""


def drift_days() -> int:
    return int(settings.PORTCULLIS_DRIFT_DAYS)


def check_drift(
    user: User | None,
    *,
    days: int | None = None,
    history: pl.DataFrame | None = None,
) -> DriftCheck:
    """Compare the latest ``days`` of stored declarations with the active model's training
    window, store the comparison and audit it. ``history``: every stored item, if the caller
    has already read it."""
    days = days or drift_days()
    model = registry.active()
    if model is None:
        raise DriftError("there is no active model to check")
    artifact = registry.load(model.version)
    kept = artifact.metadata.get("reference")
    if not kept:
        raise DriftError(
            f"model {model.version} was trained before reference distributions were kept; "
            "retrain it to check its drift"
        )
    history = all_items() if history is None else history
    latest = history.get_column("lodged_at").max()
    if latest is None:
        raise DriftError("no declarations are stored: there is no recent window to check")
    start = latest - timedelta(days=days)  # type: ignore[operator]
    window = history.filter(pl.col("lodged_at") > start)
    context = FeatureContext(artifact.prices, ComplianceHistory(add_derived(history)))
    matrix = artifact.matrix(build_features(window, context).polars())
    report = compare(kept, matrix, artifact.spec.names, artifact.predict(matrix))
    lodged = window.get_column("lodged_at")
    first, last = cast(datetime, lodged.min()), cast(datetime, lodged.max())
    with transaction.atomic():
        check = DriftCheck.objects.create(
            model_version=model,
            window_from=first,
            window_to=last,
            items=report.items,
            score_psi=report.score.psi,
            alert=bool(report.alerts),
            report=report.to_dict(),
            checked_by=user,
        )
        alerts = ", ".join(f"{s.name} {s.psi:.2f}" for s in report.alerts)
        record(
            user,
            "model.drift",
            model,
            f"drift of {model.version} over {report.items:,} items of the latest {days} days: "
            + (f"ALERT, {alerts}" if alerts else f"score PSI {report.score.psi:.3f}, no alert"),
            check=check.pk,
        )
    return check


def latest_check(model: ModelVersion | None) -> DriftCheck | None:
    if model is None:
        return None
    return model.drift_checks.first()


def active_model_check() -> DriftCheck | None:
    """The active model's latest drift check (one query: the dashboard shows its alert)."""
    return (
        DriftCheck.objects.filter(model_version__status=ModelVersion.Status.ACTIVE)
        .select_related("model_version")
        .first()
    )
