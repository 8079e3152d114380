"""Traders: the parties named on declarations, one row per (role, identifier).

Each role has its own register in a clearance system (importers by tax number, declarants
by licence, foreign sellers as declared), so the same code under two roles is two traders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portcullis.engine.schema import TraderRole


class Trader(models.Model):
    class Role(models.TextChoices):
        IMPORTER = TraderRole.IMPORTER.value, _("Importer")
        DECLARANT = TraderRole.DECLARANT.value, _("Declarant")
        SELLER = TraderRole.SELLER.value, _("Seller")
        COURIER = TraderRole.COURIER.value, _("Courier")

    class AeoStatus(models.TextChoices):
        NONE = "none", _("Not authorised")
        AEO_C = "aeo_c", _("AEO customs simplifications")
        AEO_S = "aeo_s", _("AEO security and safety")
        AEO_F = "aeo_f", _("AEO full")

    role = models.CharField(max_length=10, choices=Role.choices)
    code = models.CharField(max_length=35)
    name = models.CharField(max_length=200, blank=True)
    aeo_status = models.CharField(
        "AEO status", max_length=5, choices=AeoStatus.choices, default=AeoStatus.NONE
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    # Compliance figures over every declaration naming the trader in this role, kept current
    # by every recorded or imported outcome in the outcome's own transaction (traders.figures).
    # (Defaults in the database too: traders are created by bulk inserts naming no figures.)
    inspected = models.PositiveIntegerField(default=0, db_default=0)
    findings = models.PositiveIntegerField(default=0, db_default=0)
    revenue = models.DecimalField(max_digits=18, decimal_places=2, default=0, db_default=0)
    last_finding_lodged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "code"], name="trader_unique")]
        ordering = ["role", "code"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.code}"
