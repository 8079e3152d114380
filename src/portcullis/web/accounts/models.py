"""Accounts: the offices a person is posted to, and API tokens (how a client system, such as
a clearance system or a single window, authenticates)."""

from django.conf import settings
from django.db import models

from portcullis.web.reference.models import Office


class Account(models.Model):
    """What Portcullis keeps about a person beyond Django's user: where they work."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    offices = models.ManyToManyField(
        Office, blank=True, related_name="+", help_text="an officer sees these offices only"
    )

    def __str__(self) -> str:
        return str(self.user)


class ApiToken(models.Model):
    """A token for one client system. Only a SHA-256 digest of the secret is kept: the secret
    is shown once, when the token is issued. Every write made with it is attributed to
    ``user`` (an account standing for the client system)."""

    name = models.CharField(max_length=100, help_text="the client system, e.g. 'UNI-PASS'")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    prefix = models.CharField(max_length=12, unique=True)  # shown in lists, finds the token
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
