from django.contrib import admin

from portcullis.web.readonly_admin import ReadOnlyAdmin
from portcullis.web.reference.models import Country, HsCode, HsEdition, Office


@admin.register(HsEdition)
class HsEditionAdmin(ReadOnlyAdmin):
    list_display = ("name", "valid_from", "valid_to")


@admin.register(HsCode)
class HsCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "edition", "level", "section", "description")
    list_filter = ("edition", "level")
    search_fields = ("code", "description")


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name")
    search_fields = ("code", "name")
    readonly_fields = ("code",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
