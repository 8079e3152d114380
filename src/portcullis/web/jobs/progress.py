"""A job's row as it runs: its stage and progress written as it goes (so that the API and
the pages can show a progress indicator), and how it ended."""

from __future__ import annotations

import time as clock
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from portcullis.web.jobs.models import Job

_PROGRESS_EVERY = 0.5  # seconds between progress writes


def uploads_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class Reporter:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = 0.0

    def stage(self, text: str, unit: str = "") -> None:
        self.job.stage, self.job.unit, self.job.done, self.job.total = text, unit, 0, None
        self._save()

    def progress(self, done: int, total: int) -> None:
        self.job.done, self.job.total = done, total
        now = clock.monotonic()
        if now - self.last >= _PROGRESS_EVERY or done >= total:
            self._save()

    def _save(self) -> None:
        self.last = clock.monotonic()
        Job.objects.filter(pk=self.job.pk).update(
            stage=self.job.stage, unit=self.job.unit, done=self.job.done, total=self.job.total
        )


def finish(
    job: Job, status: str, *, message: str = "", result: dict[str, Any] | None = None
) -> None:
    job.status, job.message, job.result = status, message[:2000], result or {}
    job.finished_at = timezone.now()
    job.stage = "done" if status == Job.Status.SUCCEEDED else "failed"
    job.save(update_fields=["status", "message", "result", "finished_at", "stage"])
