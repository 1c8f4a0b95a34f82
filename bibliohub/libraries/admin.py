"""Networks, branches and shelving locations are set up here, through the libraries
services; opening hours and dated closures are changed on the staff screens
(/staff/branches/), so they are only shown here."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin

from bibliohub.history import Actor
from bibliohub.libraries import services
from bibliohub.libraries.models import Branch, CalendarException, Location, Network, OpeningPeriod
from bibliohub.web.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin, ServiceInline


@admin.register(Network)
class NetworkAdmin(ServiceAdmin):
    list_display = ("name", "website")
    search_fields = ("name",)

    def save(self, obj: Network, *, actor: Actor, at: datetime) -> None:
        services.save_network(obj, actor=actor, at=at)


class LocationInline(ServiceInline):
    model = Location

    def save(self, obj: Location, *, actor: Actor, at: datetime) -> None:
        services.save_location(obj, actor=actor, at=at)

    def delete(self, obj: Location, *, actor: Actor, at: datetime) -> None:
        services.delete_location(obj, actor=actor, at=at)


class OpeningPeriodInline(ReadOnlyInline):
    model = OpeningPeriod


@admin.register(Branch)
class BranchAdmin(ServiceAdmin):
    list_display = ("code", "name", "network", "is_central", "is_active", "sort_order")
    list_filter = ("network", "is_central", "is_active")
    search_fields = ("code", "name", "address")
    list_select_related = ("network",)
    inlines = (LocationInline, OpeningPeriodInline)

    def save(self, obj: Branch, *, actor: Actor, at: datetime) -> None:
        services.save_branch(obj, actor=actor, at=at)


@admin.register(Location)
class LocationAdmin(ServiceAdmin):
    list_display = ("code", "name", "branch")
    list_filter = ("branch",)
    search_fields = ("code", "name")
    list_select_related = ("branch",)

    def save(self, obj: Location, *, actor: Actor, at: datetime) -> None:
        services.save_location(obj, actor=actor, at=at)

    def delete(self, obj: Location, *, actor: Actor, at: datetime) -> None:
        services.delete_location(obj, actor=actor, at=at)


@admin.register(OpeningPeriod)
class OpeningPeriodAdmin(ReadOnlyAdmin):
    list_display = ("branch", "weekday", "opens", "closes")
    list_filter = ("branch", "weekday")
    list_select_related = ("branch",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(ReadOnlyAdmin):
    list_display = ("date", "branch", "network", "closed", "opens", "closes", "reason")
    list_filter = ("closed", "branch", "network")
    date_hierarchy = "date"
    search_fields = ("reason",)
    list_select_related = ("branch", "network")
