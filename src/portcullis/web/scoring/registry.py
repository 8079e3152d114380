"""The model registry: trained versions kept as folders, one of them active."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from portcullis.engine.model.artifact import ModelArtifact
from portcullis.web.audit.services import record
from portcullis.web.scoring.models import ModelVersion
from portcullis.web.scoring.state import engine_changed


def models_dir() -> Path:
    path = Path(settings.PORTCULLIS_MODELS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def register(artifact: ModelArtifact, user: User | None) -> ModelVersion:
    """Keep a trained artifact as a candidate version (the same version twice is kept once)."""
    existing = ModelVersion.objects.filter(version=artifact.version).first()
    if existing is not None:
        return existing
    folder = models_dir() / artifact.version
    if folder.exists():  # left by an interrupted registration: the record is what counts
        shutil.rmtree(folder)
    artifact.save(folder)
    version = ModelVersion.objects.create(
        version=artifact.version,
        folder=artifact.version,
        metadata=artifact.metadata,
        created_by=user,
    )
    record(
        user,
        "model.register",
        version,
        f"trained model {artifact.version}",
        metadata=artifact.metadata,
    )
    return version


@transaction.atomic
def activate(version: ModelVersion, user: User | None, why: str = "") -> ModelVersion:
    """Make ``version`` the active model (the previous one is retired)."""
    load(version.version)  # refuse a version whose files are missing or altered
    ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).exclude(pk=version.pk).update(
        status=ModelVersion.Status.RETIRED
    )
    version.status, version.activated_at = ModelVersion.Status.ACTIVE, timezone.now()
    version.save()
    engine_changed()
    record(user, "model.activate", version, f"activated model {version.version}", why=why)
    return version


def active() -> ModelVersion | None:
    return ModelVersion.objects.filter(status=ModelVersion.Status.ACTIVE).first()


@lru_cache(maxsize=4)
def load(version: str) -> ModelArtifact:
    """A model version's artifact (read once per process; versions never change)."""
    return ModelArtifact.load(models_dir() / version)
