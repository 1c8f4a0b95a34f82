"""The notice settings of each network, saved through the patrons services (so the change is
in the history), and the log of notices sent (read only: the scheduled job writes it, in the
transaction that queues the notice in the e-mail outbox, whose page says whether it went out)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.utils.translation import pgettext_lazy

from bibliohub.history import Actor
from bibliohub.patrons import services
from bibliohub.patrons.models import NoticeLog, NoticePolicy
from bibliohub.web.admin import ReadOnlyAdmin, ServiceAdmin


@admin.register(NoticePolicy)
class NoticePolicyAdmin(ServiceAdmin):
    list_display = [
        "network",
        "due_soon_days",
        "first_overdue_days",
        "second_overdue_days",
        "third_overdue_days",
        "fines_threshold",
        "fines_repeat_days",
    ]

    def save(self, obj: NoticePolicy, *, actor: Actor, at: datetime) -> None:
        services.save_notice_policy(obj, actor=actor, at=at)


@admin.register(NoticeLog)
class NoticeLogAdmin(ReadOnlyAdmin):
    list_display = ["queued_at", "kind", "patron", "email"]
    list_filter = ["kind"]
    date_hierarchy = "sent_at"
    list_select_related = ["patron"]
    search_fields = ["patron__card_barcode", "email"]

    # "Sent" in the log means handed to the outbox (docs/mail.md): say so where staff read it.
    @admin.display(description=pgettext_lazy("notice", "Queued for sending"), ordering="sent_at")
    def queued_at(self, obj: NoticeLog) -> datetime:
        return obj.sent_at
