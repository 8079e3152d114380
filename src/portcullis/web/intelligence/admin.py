from django.contrib import admin

from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.readonly_admin import ReadOnlyAdmin


@admin.register(WatchlistEntry)
class WatchlistEntryAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "value", "reason", "weight", "expires_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("code", "value", "reason")
