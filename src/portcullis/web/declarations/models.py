"""Declarations as received: header, goods items, and the import run that brought them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portcullis.web.reference.models import Office
from portcullis.web.traders.models import Trader


class ImportBatch(models.Model):
    """One run of an import: what was read, what was stored, what was turned away."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        # Its process stopped without finishing (killed, power lost): what it committed
        # before is kept, and importing the file again completes it.
        INTERRUPTED = "interrupted", _("Interrupted")

    source_name = models.CharField(max_length=500)  # file name, or the API client
    file_sha256 = models.CharField(max_length=64, blank=True)
    format = models.CharField(max_length=10)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # why a run failed, in one line
    # Which process runs it, and when it last said so (after every chunk): a run whose
    # process is gone, or silent too long, is marked interrupted.
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    rejects_file = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"


class Declaration(models.Model):
    class Source(models.TextChoices):
        FILE = "file", _("File import")
        API = "api", _("API")

    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second
    # (pattern) index that no query uses and every insert pays for.
    declaration_id = models.CharField("declaration id", max_length=35)
    lodged_at = models.DateTimeField(db_index=True)
    # No index of its own: the (office, lodged_at) index below serves lookups by office.
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="declarations", db_index=False
    )
    procedure = models.CharField(max_length=10, blank=True)
    process_type = models.CharField(max_length=10, blank=True)
    import_use = models.CharField(max_length=10, blank=True)
    payment_type = models.CharField(max_length=10, blank=True)
    transport_mode = models.CharField(max_length=10, blank=True)
    declarant = models.ForeignKey(Trader, on_delete=models.PROTECT, related_name="+")
    importer = models.ForeignKey(Trader, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(
        Trader, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    courier = models.ForeignKey(
        Trader, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The parties' names as declared on this declaration (a name may change between
    # declarations; the trader register keeps the code).
    importer_name = models.CharField(max_length=200, blank=True)
    declarant_name = models.CharField(max_length=200, blank=True)
    seller_name = models.CharField(max_length=200, blank=True)
    courier_name = models.CharField(max_length=200, blank=True)
    country_of_departure = models.CharField(max_length=2, blank=True)
    exchange_rate = models.DecimalField(max_digits=15, decimal_places=6, null=True, blank=True)
    # What the message left out and its channel filled in, with why (engine.schema).
    filled_in = models.JSONField(default=dict, blank=True)
    hs_edition = models.CharField("HS edition", max_length=10)  # in force when lodged
    # SHA-256 of the canonical JSON (portcullis.engine.canonical): the same declaration sent
    # again is recognised, a different one under the same id is a conflict.
    content_hash = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=Source.choices)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()
    # 1 as first received; each amendment adds one and keeps what it replaced as a revision.
    version = models.PositiveIntegerField(default=1)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-lodged_at", "declaration_id"]
        permissions = [
            ("view_all_offices", "Can see the declarations of every office"),
            ("authorise_amendment", "Can let the trader amend a declaration under control"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["declaration_id"], name="declaration_id_unique")
        ]
        indexes = [models.Index(fields=["office", "lodged_at"], name="declaration_office_day")]

    def __str__(self) -> str:
        return self.declaration_id


class Item(models.Model):
    # Indexed by the (declaration, line_no) unique constraint below.
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    line_no = models.PositiveSmallIntegerField()
    hs_code = models.CharField("HS code", max_length=10, db_index=True)
    additional_codes = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    origin_country = models.CharField(max_length=2)
    origin_indicator = models.CharField(max_length=10, blank=True)
    net_mass_kg = models.DecimalField(max_digits=18, decimal_places=3)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    quantity_unit = models.CharField(max_length=10, blank=True)
    customs_value = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    tax_type = models.CharField(max_length=10, blank=True)
    tax_rate = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    duty = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["declaration", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "line_no"], name="item_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id} item {self.line_no}"


class DeclarationRevision(models.Model):
    """A version of a declaration that an amendment replaced, kept as it was received (its
    canonical JSON), so that the decisions made on it can still be read and replayed."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField()  # portcullis.engine.canonical.canonical_dict
    content_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    replaced_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["declaration", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "version"], name="declaration_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id} v{self.version}"


class AmendmentAuthorisation(models.Model):
    """An officer letting the trader's system amend a declaration under control (selected,
    or inspected): the next amendment uses it, is reassessed and keeps the stricter channel."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="amendment_authorisations"
    )
    reason = models.TextField()
    # None: the operator's command (portcullis ...), answerable as the server's operator.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_for_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["declaration", "-at"]

    def __str__(self) -> str:
        return f"amendment of {self.declaration_id} authorised at {self.at:%Y-%m-%d %H:%M}"
