from django.contrib import admin

from portcullis.web.traders.models import Trader


@admin.register(Trader)
class TraderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Names and AEO status are reference data an administrator keeps; codes are not edited."""

    list_display = ("code", "role", "name", "aeo_status", "first_seen_at")
    list_filter = ("role", "aeo_status")
    search_fields = ("code", "name")
    readonly_fields = ("role", "code", "first_seen_at")
    show_full_result_count = False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
