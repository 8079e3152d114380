from django.contrib import admin

from portcullis.web.profiles.models import Profile, ProfileVersion
from portcullis.web.readonly_admin import ReadOnlyAdmin, ReadOnlyInline


class VersionInline(ReadOnlyInline):
    model = ProfileVersion
    fields = (
        "number",
        "status",
        "criteria",
        "weight",
        "mandatory",
        "channel",
        "selection_pct",
        "author",
        "approver",
    )


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "created_at")
    search_fields = ("code", "name")
    inlines = (VersionInline,)


@admin.register(ProfileVersion)
class ProfileVersionAdmin(ReadOnlyAdmin):
    list_display = ("profile", "number", "status", "mandatory", "channel", "weight", "approved_at")
    list_filter = ("status", "mandatory", "risk_category")
    search_fields = ("profile__code", "profile__name", "criteria")
    list_select_related = ("profile",)
