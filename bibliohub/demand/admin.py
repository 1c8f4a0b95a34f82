"""Suggestions and title requests are handled in the staff screens, through the services;
the administration only shows them."""

from __future__ import annotations

from django.contrib import admin

from bibliohub.demand.models import Suggestion, TitleRequest
from bibliohub.web.admin import ReadOnlyAdmin


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["title", "branch", "state", "created_at"]
    list_filter = ["state", "branch"]
    search_fields = ["title", "isbn"]
    exclude = ["patron", "reason", "decline_note"]


@admin.register(TitleRequest)
class TitleRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "isbn", "branch", "created_at"]
    list_filter = ["branch"]
    exclude = ["patron"]
