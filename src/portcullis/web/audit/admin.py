from django.contrib import admin

from portcullis.web.audit.models import AuditEvent
from portcullis.web.readonly_admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "actor_name", "object_id")
