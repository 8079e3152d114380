"""The administration site: every record readable by the administrator, none changeable
there but the reference data an administrator keeps (offices' names, traders' names and AEO
status), which are saved through their use cases. People and tokens are administered with
`portcullis user` and `portcullis token`, whose changes are audited."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpRequest

from portcullis.web.audit.models import AuditEvent
from portcullis.web.declarations.models import Declaration, ImportBatch, Item
from portcullis.web.errors import DomainError
from portcullis.web.events.models import DeadLetter, Event, Subscriber
from portcullis.web.inspections.models import Inspection
from portcullis.web.intelligence.models import WatchlistEntry
from portcullis.web.pages.kit import actor_of
from portcullis.web.profiles.models import ControlCheck, Profile, ProfileVersion
from portcullis.web.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from portcullis.web.reference.models import CodeLabel, Country, HsCode, HsEdition, Office
from portcullis.web.scoring.models import Decision, ModelVersion, PolicyVersion, ProfileHit
from portcullis.web.traders.models import Trader
from portcullis.web.usecases.code_tables import CheckInput, set_code_label, set_control_check
from portcullis.web.usecases.reference import update_office, update_trader
from portcullis.web.usecases.subscribers import redeliver

admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser", "groups")
    search_fields = ("username",)
    fields = ("username", "is_active", "is_superuser", "groups", "last_login", "date_joined")


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
    fields = ("code", "name")

    def save_model(self, request: HttpRequest, obj: Office, form: Any, change: bool) -> None:
        update_office(actor_of(request), obj.pk, name=obj.name)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(CodeLabel)
class CodeLabelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What the clearance system's codes mean; saved through the use case (audited)."""

    list_display = ("kind", "code", "label", "label_fr")
    list_filter = ("kind",)
    search_fields = ("code", "label", "label_fr")
    fields = ("kind", "code", "label", "label_fr")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("kind", "code") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: CodeLabel, form: Any, change: bool) -> None:
        saved = set_code_label(
            actor_of(request), obj.kind, obj.code, label=obj.label, label_fr=obj.label_fr
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ControlCheck)
class ControlCheckAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """What officers are told to check per risk category; retired by making a check
    inactive, never deleted (the audit trail says what an officer was told)."""

    list_display = ("category", "position", "on_goods", "text", "active")
    list_filter = ("category", "on_goods", "active")
    search_fields = ("text", "text_fr")
    fields = ("category", "position", "on_goods", "text", "text_fr", "active")

    def save_model(self, request: HttpRequest, obj: ControlCheck, form: Any, change: bool) -> None:
        data = CheckInput(
            category=obj.category,
            text=obj.text,
            text_fr=obj.text_fr,
            on_goods=obj.on_goods,
            position=obj.position,
            active=obj.active,
        )
        saved = set_control_check(actor_of(request), obj.pk if change else None, data)
        obj.pk = saved.pk

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Trader)
class TraderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Names and AEO status are reference data an administrator keeps; codes are not edited."""

    list_display = ("code", "role", "name", "aeo_status", "first_seen_at")
    list_filter = ("role", "aeo_status")
    search_fields = ("code", "name")
    readonly_fields = ("role", "code", "first_seen_at")
    fields = ("role", "code", "name", "aeo_status", "first_seen_at")
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Trader, form: Any, change: bool) -> None:
        # Through the use case: audited, and the engines told (AEO status changes decisions).
        update_trader(actor_of(request), obj.pk, name=obj.name, aeo_status=obj.aeo_status)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


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


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("declaration", "finding", "critical", "finding_type", "source", "recorded_at")
    list_filter = ("finding", "critical", "source")
    search_fields = ("declaration__declaration_id",)
    list_select_related = ("declaration",)
    raw_id_fields = ("declaration",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "actor_name", "object_id")


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


@admin.register(WatchlistEntry)
class WatchlistEntryAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "value", "reason", "weight", "expires_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("code", "value", "reason")


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


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("position", "kind", "declaration", "occurred_at", "event_id")
    list_filter = ("kind",)
    search_fields = ("declaration__declaration_id", "event_id")
    list_select_related = ("declaration",)
    raw_id_fields = ("declaration", "decision")


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ("name", "url", "active", "delivered_through", "attempts", "last_error")
    exclude = ("secret",)  # shown once, when added; never again


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    """Events a subscriber did not take after every attempt: sent again from here, through
    the same use case as `portcullis subscriber redeliver`."""

    list_display = ("event", "subscriber", "attempts", "last_error", "failed_at", "redelivered_at")
    list_filter = ("subscriber", "redelivered_at")
    list_select_related = ("event", "subscriber")
    actions = ("send_again",)

    @admin.action(description="Send the selected events again, now")
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        for letter in queryset:
            try:
                redeliver(actor_of(request), letter.pk)
            except DomainError as refused:
                self.message_user(request, f"{letter.pk}: {refused}", level=messages.WARNING)
            else:
                self.message_user(request, f"{letter.pk}: delivered to {letter.subscriber}")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)  # to offer the action; the form stays read-only

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in DeadLetter._meta.fields]
