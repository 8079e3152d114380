"""Read-only administration views: declarations are evidence, changed only by amendment."""

from django.contrib import admin

from portcullis.web.declarations.models import Declaration, ImportBatch, Item
from portcullis.web.readonly_admin import ReadOnlyAdmin, ReadOnlyInline


class ItemInline(ReadOnlyInline):
    model = Item
    fields = ("line_no", "hs_code", "description", "origin_country", "net_mass_kg",
              "customs_value", "currency", "tax_type", "tax_rate")  # fmt: skip


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ("declaration_id", "lodged_at", "office", "importer", "declarant", "source")
    list_filter = ("source", "hs_edition", "lodged_at")
    search_fields = ("declaration_id",)
    list_select_related = ("office", "importer", "declarant")
    date_hierarchy = "lodged_at"
    inlines = (ItemInline,)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("source_name", "format", "status", "started_at", "records", "stored",
                    "unchanged", "conflicts", "rejected")  # fmt: skip
    list_filter = ("status", "format")
