"""The notice settings of each network, and the log of notices sent (read only: the scheduled
job writes it)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bibliohub.patrons.models import NoticeLog, NoticePolicy


@admin.register(NoticePolicy)
class NoticePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "network",
        "due_soon_days",
        "first_overdue_days",
        "second_overdue_days",
        "third_overdue_days",
        "fines_threshold",
        "fines_repeat_days",
    ]


@admin.register(NoticeLog)
class NoticeLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "patron", "email"]
    list_filter = ["kind"]
    date_hierarchy = "sent_at"
    list_select_related = ["patron"]
    search_fields = ["patron__card_barcode", "email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
