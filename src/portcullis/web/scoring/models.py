"""Model versions, policy versions and decisions.

A decision records everything needed to explain it and to replay it exactly: the channel and
reason, the scores, the profiles and watchlist entries that hit, the top factors, the
context figures its items were judged with (compliance history and reference prices as they
were), the random draws, and the versions of the model, the profile set and the policy."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portcullis.engine.channels import Reason
from portcullis.web.choices import CHANNEL_CHOICES
from portcullis.web.declarations.models import Declaration
from portcullis.web.profiles.models import ProfileSetVersion, ProfileVersion


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    version = models.CharField(max_length=20, unique=True)  # m-<hash>, from the artifact
    folder = models.CharField(max_length=200)  # under PORTCULLIS_MODELS_DIR
    metadata = models.JSONField(default=dict)  # training window, features, validation figures
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_status_display()})"


class DriftCheck(models.Model):
    """The population stability of a model's inputs and score over a recent window against
    its training window (portcullis.engine.drift)."""

    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.CASCADE, related_name="drift_checks"
    )
    window_from = models.DateTimeField()
    window_to = models.DateTimeField()
    items = models.PositiveIntegerField()
    score_psi = models.FloatField()
    alert = models.BooleanField()  # the score or some input shifted beyond the alert level
    report = models.JSONField()  # DriftReport.to_dict(): every input's PSI and level
    checked_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"drift of {self.model_version.version} at {self.checked_at:%Y-%m-%d}"


class PolicyVersion(models.Model):
    """The selectivity policy as data (portcullis.engine.selectivity.Policy), frozen."""

    version = models.CharField(max_length=20, unique=True)  # p-<hash of the content>
    data = models.JSONField()
    active = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)  # "thresholds recalibrated on ..."
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_policy"
            )
        ]

    def __str__(self) -> str:
        return self.version


class Decision(models.Model):
    class Source(models.TextChoices):
        FILE = "file", _("File")
        API = "api", _("API")
        BATCH = "batch", _("Stored declarations")

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="decisions")
    declaration_version = models.PositiveIntegerField(default=1)  # the content it judged
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    reason = models.CharField(max_length=20, choices=[(r.value, r.label) for r in Reason])
    risk_score = models.FloatField(null=True, blank=True)
    model_score = models.FloatField(null=True, blank=True)
    revenue_at_stake = models.FloatField(null=True, blank=True)
    top_line_no = models.PositiveSmallIntegerField(null=True, blank=True)
    failure = models.TextField(blank=True)  # why a signal failed (the decision then held)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    profile_set = models.ForeignKey(ProfileSetVersion, on_delete=models.PROTECT, related_name="+")
    seed_fingerprint = models.CharField(max_length=12)
    draws = models.JSONField(default=dict)  # {"random": u, "explore": u}
    item_scores = models.JSONField(default=list)  # [{line_no, model_score, risk_score, ...}]
    factors = models.JSONField(default=list)  # the top item's [{feature, text, contribution}]
    # What else the officer must know: items not valued for want of an exchange rate.
    notes = models.JSONField(default=list)  # [text]
    watchlist_hits = models.JSONField(default=list)  # [{line_no, entry, kind, reason, weight}]
    inputs = models.JSONField(default=list)  # per item: {line_no, <context field>: value}
    source = models.CharField(max_length=10, choices=Source.choices)
    assessed_at = models.DateTimeField(db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_at", "-id"]
        permissions = [("override_decision", "Can override a decision's channel")]
        indexes = [models.Index(fields=["declaration", "-assessed_at"], name="decision_latest")]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.channel} ({self.reason})"


class Override(models.Model):
    """The channel that applies instead of the one a decision gave, and who answers for it.
    The decision itself stays as the engine made it (it can still be replayed).

    A person overrides with a justification; an amendment can override too: one authorised
    under control keeps the stricter channel it had, and one after release that the new
    version would have stopped becomes a post-release check (BLUE), never a silent green."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Overridden by a person")
        KEPT_UNDER_CONTROL = "kept_under_control", _("Amended under control: stricter kept")
        AFTER_RELEASE = "after_release", _("Amended after release: checked after release")

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="override")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    justification = models.TextField()
    # None: Portcullis itself (an amendment after release); else who answers for it.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.decision.channel} -> {self.channel}"


class CurrentDecision(models.Model):
    """Where each declaration stands now: its latest decision, with the channel that applies
    (an override's, else the decision's). One narrow row per declaration, written with every
    decision and override, so that the worklist and the dashboard read it instead of
    searching the decisions (wide rows) for the latest of each declaration."""

    declaration = models.OneToOneField(
        Declaration, primary_key=True, on_delete=models.CASCADE, related_name="current"
    )
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10)  # effective
    reason = models.CharField(max_length=20)
    risk_score = models.FloatField(null=True, blank=True)
    assessed_at = models.DateTimeField()
    # Copied from the declaration (they never change for a decision): the pages filter by them.
    office = models.ForeignKey(
        "reference.Office", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    lodged_at = models.DateTimeField()
    # Drawn for the random compliance sample (its draw fell below the policy's random rate),
    # whatever step decided its channel: the sample the compliance figures are estimated from.
    sampled = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["lodged_at"], name="current_lodged"),
            models.Index(fields=["channel", "office", "assessed_at"], name="current_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.channel}"


def effective_channel(decision: Decision) -> str:
    """The channel that applies: an override's, else the decision's own."""
    override = getattr(decision, "override", None) if decision.pk else None
    return override.channel if override is not None else decision.channel


class ProfileHit(models.Model):
    """One profile version hitting one item of a decision (kept as rows, for statistics)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="profile_hits")
    profile_version = models.ForeignKey(
        ProfileVersion, on_delete=models.PROTECT, related_name="hits"
    )
    line_no = models.PositiveSmallIntegerField()
    selected = models.BooleanField(default=False)  # a mandatory profile's hit that was selected

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "profile_version", "line_no"], name="profile_hit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_version} on {self.decision_id} item {self.line_no}"


class EngineState(models.Model):
    """One row of counters telling every process when what it keeps in memory is out of
    date: ``configuration`` counts changes to what decides (profiles, watchlist, model,
    policy), ``outcomes`` the inspection results recorded since, ``accounts`` changes to who
    may call (a token revoked, a user deactivated or given another role), ``rewrites``
    changes to stored history other than additions (a result corrected or taken back, a
    declaration amended), after which what was built from history is built again."""

    configuration = models.PositiveBigIntegerField(default=0)
    outcomes = models.PositiveBigIntegerField(default=0)
    accounts = models.PositiveBigIntegerField(default=0)
    rewrites = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"configuration {self.configuration}, outcomes {self.outcomes}"
