"""Administrators' view of programmes. They keep the list of event categories here, through
the programmes services (so each change is in the history, on the channel
"administration"); events, their dates and the network's rules for events are changed on
the staff screens (/staff/events/), with their rules, room bookings and messages, so they
are only shown here."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin

from bibliohub.history import Actor
from bibliohub.programs import services
from bibliohub.programs.models import Category, Event, EventAudience, Occurrence, ProgramPolicy
from bibliohub.web.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    list_display = ("code", "name", "sort_order")
    search_fields = ("code", "name")

    def save(self, obj: Category, *, actor: Actor, at: datetime) -> None:
        services.save_category(obj, actor=actor, at=at)


@admin.register(ProgramPolicy)
class ProgramPolicyAdmin(ReadOnlyAdmin):
    list_display = ("network", "no_show_rule", "no_show_limit", "no_show_period_days", "no_show_pause_days", "reminder_hours")


class AudienceInline(ReadOnlyInline):
    model = EventAudience


class OccurrenceInline(ReadOnlyInline):
    model = Occurrence
    fields = ("starts_at", "ends_at", "status", "changed", "note")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "branch", "kind", "format", "registration", "capacity", "is_published")
    list_filter = ("branch", "kind", "format", "registration", "is_published")
    search_fields = ("title", "description")
    list_select_related = ("branch",)
    exclude = ("created_by",)
    inlines = (AudienceInline, OccurrenceInline)
