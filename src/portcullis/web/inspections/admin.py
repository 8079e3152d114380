from django.contrib import admin

from portcullis.web.inspections.models import Inspection
from portcullis.web.readonly_admin import ReadOnlyAdmin


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("declaration", "finding", "critical", "finding_type", "source", "recorded_at")
    list_filter = ("finding", "critical", "source")
    search_fields = ("declaration__declaration_id",)
    list_select_related = ("declaration",)
    raw_id_fields = ("declaration",)
