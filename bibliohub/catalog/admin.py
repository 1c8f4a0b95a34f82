from __future__ import annotations

from django.contrib import admin

from bibliohub.catalog.models import CatalogEvent, Identifier, Item, ItemType, Record


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    # The descriptive fields are extracted from the MARC record; they are edited on the staff
    # screens, which rewrite the MARC, so here they are read-only.
    list_display = ("id", "title", "year", "format", "audience", "control_number", "updated_at")
    list_filter = ("format", "audience")
    search_fields = ("title", "control_number")
    date_hierarchy = "created_at"
    exclude = ("marc",)
    readonly_fields = [
        f.name for f in Record._meta.fields if f.name not in {"id", "marc"}
    ]
    inlines = (IdentifierInline,)


@admin.register(ItemType)
class ItemTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("barcode", "record", "branch", "location", "call_number", "item_type", "status")
    list_filter = ("status", "branch", "item_type")
    search_fields = ("barcode", "call_number")
    list_select_related = ("record", "branch", "location", "item_type")
    raw_id_fields = ("record",)


@admin.register(CatalogEvent)
class CatalogEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "record_id_value", "item_id_value", "branch", "staff")
    list_filter = ("kind", "branch")
    date_hierarchy = "at"
    list_select_related = ("branch", "staff")

    # Events are the history statistics are computed from: never edited by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
