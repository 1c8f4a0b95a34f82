from __future__ import annotations

from django.contrib import admin

from bibliohub.libraries.models import Branch, CalendarException, Location, Network, OpeningPeriod


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "website")
    search_fields = ("name",)


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "network", "is_central", "is_active", "sort_order")
    list_filter = ("network", "is_central", "is_active")
    search_fields = ("code", "name", "address")
    list_select_related = ("network",)
    inlines = (LocationInline, OpeningPeriodInline)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "branch")
    list_filter = ("branch",)
    search_fields = ("code", "name")
    list_select_related = ("branch",)


@admin.register(OpeningPeriod)
class OpeningPeriodAdmin(admin.ModelAdmin):
    list_display = ("branch", "weekday", "opens", "closes")
    list_filter = ("branch", "weekday")
    list_select_related = ("branch",)


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ("date", "branch", "network", "closed", "opens", "closes", "reason")
    list_filter = ("closed", "branch", "network")
    date_hierarchy = "date"
    search_fields = ("reason",)
    list_select_related = ("branch", "network")
