from django.contrib import admin

from portcullis.web.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from portcullis.web.scoring.models import Decision, ModelVersion, PolicyVersion, ProfileHit


class ProfileHitInline(ReadOnlyInline):
    model = ProfileHit
    fields = ("profile_version", "line_no", "selected")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("declaration", "channel", "reason", "risk_score", "assessed_at")
    list_filter = ("channel", "reason", "source")
    search_fields = ("declaration__declaration_id",)
    list_select_related = ("declaration",)
    raw_id_fields = ("declaration",)
    inlines = (ProfileHitInline,)


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "status", "created_at", "activated_at")
    list_filter = ("status",)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "active", "note", "created_at")
