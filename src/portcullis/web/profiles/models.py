"""Targeting profiles and their versions.

A profile is a stable identity (its code); each change is a new version. A version is
editable while a draft, is submitted for approval, and once approved by someone other than
its author it becomes the active version of its profile (the one before it is superseded).
Published versions never change: a decision names the versions it was assessed against."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portcullis.engine.channels import Channel
from portcullis.web.choices import CHANNEL_CHOICES
from portcullis.web.reference.models import NamedListVersion


class Profile(models.Model):
    code = models.CharField(max_length=20, unique=True)  # PRF-0001
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Hit statistics over every version, kept current by every stored decision and every
    # recorded outcome in their own transactions (profiles.figures). Times are the lodging
    # times of the declarations hit, so they compare with the history, not the wall clock.
    hits = models.PositiveIntegerField(default=0, help_text="declarations hit")
    inspected = models.PositiveIntegerField(default=0)
    findings = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    first_hit_lodged_at = models.DateTimeField(null=True, blank=True)
    last_hit_lodged_at = models.DateTimeField(null=True, blank=True)
    last_finding_lodged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProfileDeclaration(models.Model):
    """A declaration the profile has hit (with any version, in any decision): what its hit
    figures count, each declaration once. Written when a decision hits the profile, never
    removed; its lodging time is the declaration's when first hit."""

    # (Indexed by the constraint and the index below, which begin with it.)
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+", db_index=False)
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="+"
    )
    lodged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "declaration"], name="profile_declaration_unique"
            )
        ]
        # The latest finding among a profile's hits, found from the newest backwards when a
        # finding is taken back (the only figure a counter cannot undo).
        indexes = [models.Index(fields=["profile", "lodged_at"], name="profile_declaration_day")]

    def __str__(self) -> str:
        return f"{self.profile_id} hit {self.declaration_id}"


class ProfileVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending_approval", _("Pending approval")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        SUPERSEDED = "superseded", _("Superseded")
        REJECTED = "rejected", _("Rejected")

    class RiskCategory(models.TextChoices):
        VALUATION = "valuation", _("Valuation")
        CLASSIFICATION = "classification", _("Classification")
        ORIGIN = "origin", _("Origin")
        PROHIBITIONS = "prohibitions", _("Prohibitions and restrictions")
        IPR = "ipr", _("Intellectual property")
        SECURITY = "security", _("Safety and security")
        OTHER = "other", _("Other")

    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    criteria = models.TextField()
    rationale = models.TextField(blank=True, help_text="why analysts target this; officers see it")
    risk_category = models.CharField(
        max_length=20, choices=RiskCategory.choices, default=RiskCategory.OTHER
    )
    channel = models.CharField(
        max_length=10,
        choices=[c for c in CHANNEL_CHOICES if c[0] != Channel.GREEN.value],
        default=Channel.RED.value,
    )
    weight = models.FloatField(default=0.5, help_text="0 to 1: how much a hit adds to the risk")
    selection_pct = models.FloatField(default=100.0, help_text="share of hits selected")
    mandatory = models.BooleanField(default=False, help_text="a selected hit decides the channel")
    offices = models.JSONField(
        default=list, blank=True, help_text="scope: empty means every office"
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Everyone who created, edited or submitted this version: none of them may approve it.
    contributors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # What running it costs, measured when it was approved (rules.cost): per item over a
    # batch, and for one declaration.
    cost = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["profile", "-number"]
        permissions = [("approve_profileversion", "Can approve or reject profile versions")]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="profile_version_unique"),
            # One live version per profile, whatever happens concurrently.
            models.UniqueConstraint(
                fields=["profile"],
                condition=models.Q(status="active"),
                name="one_active_version_per_profile",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile.code} v{self.number} ({self.get_status_display()})"


class ProfileSetVersion(models.Model):
    """A set of active profile versions, named by its hash: what a decision was assessed
    against."""

    version = models.CharField(max_length=16, unique=True)
    members = models.ManyToManyField(ProfileVersion, related_name="+")
    # The named list versions the members' criteria read, as they were then.
    lists = models.ManyToManyField(NamedListVersion, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.version


class ControlCheck(models.Model):
    """What an officer checks for a risk category ("the invoice and proof of payment",
    "weigh the consignment"): reference data an administrator keeps. A documentary check
    (YELLOW) shows the checks on papers; a physical one (RED) shows those on the goods too."""

    category = models.CharField(max_length=20, choices=ProfileVersion.RiskCategory.choices)
    position = models.PositiveSmallIntegerField(default=1)  # order within the category
    on_goods = models.BooleanField(default=False, help_text="needs the goods: physical only")
    text = models.CharField(max_length=300)
    text_fr = models.CharField(max_length=300, blank=True, help_text="French; empty: as text")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "position", "id"]

    def __str__(self) -> str:
        return f"{self.category} {self.position}: {self.text}"
