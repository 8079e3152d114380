"""Watchlist entries: traders, goods, origins and routes flagged by intelligence.

An entry is never edited in place: changing one revokes it and records a new one, so that
the entries in force at any past moment (for a decision's audit) are known exactly."""

from django.conf import settings
from django.db import models

from portcullis.web.choices import WATCH_KIND_CHOICES


class WatchlistEntry(models.Model):
    code = models.CharField(max_length=20, unique=True)  # WL-000001
    kind = models.CharField(max_length=10, choices=WATCH_KIND_CHOICES)
    value = models.CharField(
        max_length=35, blank=True, help_text="trader id, HS prefix, country, or DEP>OFFICE"
    )
    # Instead of one value: every value of a named list (its version in force when matched).
    named_list = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500)
    weight = models.FloatField(default=0.5)
    valid_from = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "watchlist entries"

    def __str__(self) -> str:
        return f"{self.code} {self.kind} {self.value}"
