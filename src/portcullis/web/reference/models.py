"""Reference data as rows, for pages and queries: HS editions, countries, customs offices,
named lists.

Validation does not read these tables: it uses the engine's bundled copy, so an import is
never slowed or broken by them. ``portcullis load_reference`` keeps them in step."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HsEdition(models.Model):
    code = models.CharField(max_length=10, unique=True)  # "HS2017"
    name = models.CharField(max_length=40)  # "HS 2017"
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = "HS edition"

    def __str__(self) -> str:
        return self.name


class HsSection(models.Model):
    edition = models.ForeignKey(HsEdition, on_delete=models.CASCADE, related_name="sections")
    numeral = models.CharField(max_length=5)
    name = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "numeral"], name="hs_section_unique")
        ]
        verbose_name = "HS section"

    def __str__(self) -> str:
        return f"{self.edition.name} section {self.numeral}"


class HsCode(models.Model):
    class Level(models.IntegerChoices):
        CHAPTER = 2
        HEADING = 4
        SUBHEADING = 6
        NATIONAL_8 = 8, "national line (8 digits)"
        NATIONAL_10 = 10, "national line (10 digits)"

    edition = models.ForeignKey(HsEdition, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=10)  # 2 to 6 digits, or a national line of 8 or 10
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.CharField(max_length=10, blank=True)
    section = models.CharField(max_length=5)
    description = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="hs_code_unique")]
        ordering = ["edition", "code"]
        verbose_name = "HS code"

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"


class Country(models.Model):
    code = models.CharField(max_length=2, primary_key=True)  # ISO 3166-1 alpha-2, ZZ unknown
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Office(models.Model):
    """A customs office. Offices first seen in imported declarations are created with their
    code only; an administrator can name them."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class ExchangeRate(models.Model):
    """How many units of the national currency one unit of ``currency`` was worth from
    ``valid_from`` until ``valid_to`` (exclusive; none: until a later rate), by ``source``.
    Rows are kept as loaded: a later file never changes one (engine.rates)."""

    national = models.CharField(max_length=3)  # the national currency it is a rate to
    currency = models.CharField(max_length=3)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    source = models.CharField(max_length=40)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["national", "currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["national", "currency", "source", "valid_from"], name="exchange_rate_once"
            )
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} {self.national} from {self.valid_from}"


class NamedList(models.Model):
    """A named set of codes that profiles and the watchlist read (``in list CODE``); its
    values live in its versions, which never change once recorded."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Countries (ISO 3166 codes)")
        TRADER = "trader", _("Traders (ids)")
        GOODS = "goods", _("Goods (HS code prefixes)")
        OFFICE = "office", _("Customs offices")
        TEXT = "text", _("Other codes")

    code = models.CharField(max_length=40, unique=True)  # HIGH_RISK_ORIGINS
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class NamedListVersion(models.Model):
    named_list = models.ForeignKey(NamedList, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    values = models.JSONField(default=list)  # sorted, unique
    valid_from = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["named_list", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["named_list", "number"], name="named_list_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.named_list.code} v{self.number}"


class PublicHoliday(models.Model):
    """A day off in the national calendar (``lodged_on_holiday``): loaded from the holidays
    package's table for the country or from the administration's own file."""

    day = models.DateField()
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=80)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["day", "name"], name="public_holiday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class CodeLabel(models.Model):
    """What a code of the clearance system means ("1 — sea", "40 — release for free
    circulation"): reference data an administrator keeps, since each administration has
    its own codes. A code without a row is shown as it is."""

    class Kind(models.TextChoices):
        PROCEDURE = "procedure", _("Customs procedure")
        TRANSPORT_MODE = "transport_mode", _("Mode of transport")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=10)
    label = models.CharField(max_length=120)
    label_fr = models.CharField(max_length=120, blank=True, help_text="French; empty: as label")

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="code_label_once")]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"
