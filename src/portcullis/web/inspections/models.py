"""Inspection outcomes: what an officer found, or what a historical file says was found."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portcullis.web.declarations.models import Declaration
from portcullis.web.inspections.labels import FINDING_LABELS
from portcullis.web.traders.models import Trader


class Inspection(models.Model):
    class Source(models.TextChoices):
        IMPORTED = "imported", _("Imported with the declaration")
        OFFICER = "officer", _("Recorded by an officer")

    declaration = models.OneToOneField(
        Declaration, on_delete=models.CASCADE, related_name="inspection"
    )
    finding = models.BooleanField(help_text="non-compliance found")
    finding_type = models.CharField(
        max_length=25,
        blank=True,
        choices=list(FINDING_LABELS.items()),
    )
    critical = models.BooleanField(default=False, help_text="a finding of high revenue impact")
    additional_duties = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    # What the finding is worth, as every revenue figure counts it (engine.revenue): the
    # additional duties, else the declaration's expected duty; null when compliant.
    revenue = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    revenue_basis = models.CharField(
        max_length=15,
        blank=True,
        choices=[
            ("assessed", _("Additional duties assessed")),
            ("expected_duty", _("Expected duty of the declaration")),
        ],
    )
    seizure = models.BooleanField(default=False)
    inspected_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        permissions = [
            ("view_worklist", "Can see the worklist of selected declarations"),
            ("correct_inspection", "Can correct a recorded inspection result"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {'finding' if self.finding else 'compliant'}"


def _counted_for(null: bool = False) -> models.ForeignKey[Any, Any]:
    """A trader a counted outcome counts for: a copy of its declaration's own reference,
    written beside it in one transaction, whose constraint already guards it (checked again
    here, they took 0.7 s of the KCS import's 2 s of PostgreSQL's checks at commit)."""
    return models.ForeignKey(
        Trader,
        null=null,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


class CountedOutcome(models.Model):
    """What one declaration's outcome adds to the stored figures right now, and for which
    traders: the figures are kept by adding the difference between this and the outcome as
    it stands (inspections.feedback), never by counting history again. A declaration without
    an outcome has no row."""

    declaration = models.OneToOneField(
        Declaration, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # The traders it is counted for: an amendment may change them (_counted_for).
    importer = _counted_for()
    declarant = _counted_for()
    seller = _counted_for(null=True)
    courier = _counted_for(null=True)
    lodged_at = models.DateTimeField()
    finding = models.BooleanField()
    revenue = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # of a finding

    def __str__(self) -> str:
        return f"{self.declaration_id} counted {'with' if self.finding else 'without'} a finding"


class Assignment(models.Model):
    """An officer taking a selected declaration from the worklist ("assign to me")."""

    declaration = models.OneToOneField(
        Declaration, on_delete=models.CASCADE, related_name="assignment"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.declaration_id} -> {self.officer_id}"


class InspectionCorrection(models.Model):
    """A supervisor correcting a recorded result: the inspection row then holds the corrected
    outcome (what figures and engines read), and this row what it said before, and why."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="corrections")
    previous = models.JSONField()  # the outcome before, as portcullis.engine.schema fields
    reason = models.TextField()
    # None: the operator's command (portcullis ...), answerable as the server's operator.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["inspection", "at", "pk"]

    def __str__(self) -> str:
        return f"correction of {self.inspection_id} at {self.at:%Y-%m-%d %H:%M}"
