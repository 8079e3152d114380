"""Long work run in the background (training, backtests, imports), with its progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", _("Train a model")
        RETRAINING = "retraining", _("Retrain: a challenger against the active model")
        DRIFT = "drift", _("Check the active model for drift")
        BACKTEST = "backtest", _("Backtest the model on stored history")
        IMPORT = "import", _("Import a file of declarations")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    parameters = models.JSONField(default=dict)
    done = models.PositiveBigIntegerField(default=0)  # progress, in ``unit``
    total = models.PositiveBigIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    stage = models.CharField(max_length=200, blank=True)  # what it is doing now
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)  # why it failed, in words
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.status})"
