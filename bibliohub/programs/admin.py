"""Administrators' view of programmes. Librarians work in the staff screens; the event rows are
read-only here, as everywhere."""

from __future__ import annotations

from django.contrib import admin

from bibliohub.programs.models import (
    AttendanceEvent,
    Category,
    Event,
    EventAudience,
    Occurrence,
    ProgramPolicy,
    RegistrationEvent,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort_order")
    search_fields = ("code", "name")


@admin.register(ProgramPolicy)
class ProgramPolicyAdmin(admin.ModelAdmin):
    list_display = ("network", "no_show_rule", "no_show_limit", "no_show_period_days", "no_show_pause_days", "reminder_hours")


class AudienceInline(admin.TabularInline):
    model = EventAudience
    extra = 0


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ("starts_at", "ends_at", "status", "changed", "note")
    readonly_fields = ("changed",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "branch", "kind", "format", "registration", "capacity", "is_published")
    list_filter = ("branch", "kind", "format", "registration", "is_published")
    search_fields = ("title", "description")
    list_select_related = ("branch",)
    filter_horizontal = ("categories",)
    raw_id_fields = ("organiser", "room")
    exclude = ("created_by",)
    readonly_fields = ("created_at", "recurrence")
    inlines = (AudienceInline, OccurrenceInline)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RegistrationEvent)
class RegistrationEventAdmin(_ReadOnly):
    list_display = ("at", "kind", "event", "occurrence", "branch", "age_band", "staff")
    list_filter = ("kind", "branch")
    list_select_related = ("event", "occurrence", "branch", "staff")


@admin.register(AttendanceEvent)
class AttendanceEventAdmin(_ReadOnly):
    list_display = ("at", "kind", "occurrence", "branch", "age_band", "count", "staff")
    list_filter = ("kind", "branch")
    list_select_related = ("occurrence", "occurrence__event", "branch", "staff")
