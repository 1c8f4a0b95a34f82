"""Administration of patron data for administrators. Registration, blocks and erasure have
their own services (with events); here the admin may correct details and edit categories, but
cannot add or delete a patron (registration and erasure go through the services, which check
and record them)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bibliohub.patrons.models import Block, Patron, PatronCategory, PatronEvent


@admin.register(PatronCategory)
class PatronCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "age_band", "card_validity_months", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["code", "name"]


class BlockInline(admin.TabularInline):
    """Shown for reference: blocks are added and lifted through the services, which record
    who did it."""

    model = Block
    fk_name = "patron"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("reason", "starts_at", "ends_at", "lifted_at", "staff", "lifted_by")

    def has_add_permission(self, request: HttpRequest, obj: Patron | None = None) -> bool:
        return False


@admin.register(Patron)
class PatronAdmin(admin.ModelAdmin):
    list_display = [
        "card_barcode",
        "family_name",
        "given_names",
        "category",
        "home_branch",
        "school_class",
        "status",
        "card_expires_on",
    ]
    list_filter = ["status", "category", "home_branch"]
    search_fields = ["card_barcode", "family_name", "given_names", "email", "school_class"]
    list_select_related = ["category", "home_branch"]
    raw_id_fields = ["guardian"]
    readonly_fields = [
        "network",
        "status",
        "created_at",
        "confirmed_at",
        "reading_history",
        "reading_history_consent_at",
    ]
    inlines = [BlockInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Patron | None = None) -> bool:
        return False


@admin.register(PatronEvent)
class PatronEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "patron", "branch", "staff", "category", "age_band"]
    list_filter = ["kind", "branch", "category"]
    date_hierarchy = "at"
    list_select_related = ["patron", "branch", "staff", "category"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PatronEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PatronEvent | None = None) -> bool:
        return False
