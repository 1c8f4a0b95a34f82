"""Administrators set a network's response deadlines and each branch's manager here,
through the app's services (so each change is in the history, on the channel
"administration"); the complaints, suggestions and thanks themselves are handled in the
staff screens, so they are only shown here."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin

from bibliohub.history import Actor
from bibliohub.listening import services
from bibliohub.listening.models import BranchManager, Feedback, ListeningSettings
from bibliohub.web.admin import ReadOnlyAdmin, ServiceAdmin


@admin.register(ListeningSettings)
class ListeningSettingsAdmin(ServiceAdmin):
    list_display = ["network", "response_days", "quick_response_days"]

    def save(self, obj: ListeningSettings, *, actor: Actor, at: datetime) -> None:
        saved = services.save_settings(
            network=obj.network, response_days=obj.response_days,
            quick_response_days=obj.quick_response_days, actor=actor, at=at,
        )
        obj.pk = saved.pk


@admin.register(BranchManager)
class BranchManagerAdmin(ServiceAdmin):
    list_display = ["branch", "user"]

    def save(self, obj: BranchManager, *, actor: Actor, at: datetime) -> None:
        saved = services.set_branch_manager(branch=obj.branch, user=obj.user, actor=actor, at=at)
        obj.pk = saved.pk


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "topic", "branch", "state", "received_at", "deadline"]
    list_filter = ["kind", "topic", "state", "branch"]
    search_fields = ["number"]
    # The text and the contact are read on the staff screens, by the branch's staff.
    exclude = ["text", "contact_name", "contact_email", "contact_phone", "answer", "attachment"]
