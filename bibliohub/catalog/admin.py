"""Item types are set up here, through the catalogue services; records and copies are edited
on the staff screens (/staff/catalogue/), which rewrite the MARC and keep the index and the
history current, so here they are only shown."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin

from bibliohub.catalog import services
from bibliohub.catalog.models import Identifier, Item, ItemType, Record
from bibliohub.history import Actor
from bibliohub.web.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin


class IdentifierInline(ReadOnlyInline):
    model = Identifier


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "year", "format", "audience", "control_number", "updated_at")
    list_filter = ("format", "audience")
    search_fields = ("title", "control_number")
    date_hierarchy = "created_at"
    exclude = ("marc",)
    inlines = (IdentifierInline,)


@admin.register(ItemType)
class ItemTypeAdmin(ServiceAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def save(self, obj: ItemType, *, actor: Actor, at: datetime) -> None:
        services.save_item_type(obj, actor=actor, at=at)

    def delete(self, obj: ItemType, *, actor: Actor, at: datetime) -> None:
        services.delete_item_type(obj, actor=actor, at=at)


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("barcode", "record", "branch", "location", "call_number", "item_type", "status")
    list_filter = ("status", "branch", "item_type")
    search_fields = ("barcode", "call_number")
    list_select_related = ("record", "branch", "location", "item_type")
    raw_id_fields = ("record",)
