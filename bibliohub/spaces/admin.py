"""Administrators set up rooms, equipment, features and booking rules here; bookings are made
through the staff screens (the services), so they are read-only in the admin."""

from __future__ import annotations

from django.contrib import admin

from bibliohub.spaces.models import (
    Booking,
    BookingEvent,
    BookingRule,
    Feature,
    Resource,
    ResourceType,
)


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ResourceType)
class ResourceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "kind", "resource_type", "capacity", "is_public", "is_active"]
    list_filter = ["branch", "kind", "resource_type", "is_public", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["features"]


@admin.register(BookingRule)
class BookingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "max_minutes", "max_minutes_per_day", "max_minutes_per_week",
                    "max_days_ahead", "buffer_minutes", "needs_approval", "checkin_minutes"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    list_display = ["resource", "start", "end", "status", "patron", "group_name", "occurrence_id"]
    list_filter = ["status", "resource__branch", "resource__kind"]
    date_hierarchy = "start"


@admin.register(BookingEvent)
class BookingEventAdmin(ReadOnly):
    list_display = ["at", "kind", "resource", "branch", "staff", "minutes"]
    list_filter = ["kind", "branch"]
    date_hierarchy = "at"
