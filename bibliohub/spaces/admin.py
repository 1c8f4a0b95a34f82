"""Administrators set up rooms, equipment, features, types and booking rules here, through the
same services as the staff screens (so each change is in the history, on the channel
"administration"); bookings are made through the staff screens and the OPAC, so they are
only shown here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.forms import BaseModelForm
from django.http import HttpRequest
from django.utils import timezone

from bibliohub.history import Actor
from bibliohub.spaces import services
from bibliohub.spaces.models import Booking, BookingRule, Feature, Resource, ResourceType
from bibliohub.web.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor


@admin.register(Feature)
class FeatureAdmin(ServiceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def save(self, obj: Feature, *, actor: Actor, at: datetime) -> None:
        services.save_feature(obj, actor=actor, at=at)


@admin.register(ResourceType)
class ResourceTypeAdmin(ServiceAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]

    def save(self, obj: ResourceType, *, actor: Actor, at: datetime) -> None:
        services.save_resource_type(obj, actor=actor, at=at)


@admin.register(Resource)
class ResourceAdmin(ServiceAdmin):
    list_display = ["name", "branch", "kind", "resource_type", "capacity", "is_public", "is_active"]
    list_filter = ["branch", "kind", "resource_type", "is_public", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["features"]

    def save(self, obj: Resource, *, actor: Actor, at: datetime) -> None:
        services.save_resource(obj, actor=actor, at=at)

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        # The features go through the service with the rest, not through the form afterwards.
        services.save_resource(
            obj, features=list(form.cleaned_data["features"]), actor=admin_actor(request),
            at=timezone.now(),
        )

    def save_related(
        self, request: HttpRequest, form: BaseModelForm, formsets: Any, change: bool
    ) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(BookingRule)
class BookingRuleAdmin(ServiceAdmin):
    list_display = ["__str__", "max_minutes", "max_minutes_per_day", "max_minutes_per_week",
                    "max_days_ahead", "buffer_minutes", "needs_approval", "checkin_minutes"]

    def save(self, obj: BookingRule, *, actor: Actor, at: datetime) -> None:
        services.save_rule(obj, actor=actor, at=at)

    def delete(self, obj: BookingRule, *, actor: Actor, at: datetime) -> None:
        services.remove_rule(obj, actor=actor, at=at)


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["resource", "start", "end", "status", "patron", "group_name", "occurrence_id"]
    list_filter = ["status", "resource__branch", "resource__kind"]
    date_hierarchy = "start"
