"""Surveys are built, opened and read in the staff screens (/staff/surveys/), through the
app's services; here they are only shown. Responses and answers are not listed at all: the
results screens show them without identities."""

from __future__ import annotations

from django.contrib import admin

from bibliohub.surveys.models import Survey
from bibliohub.web.admin import ReadOnlyAdmin


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["slug", "kind", "branch", "state", "audience", "anonymous", "created_at"]
    list_filter = ["state", "kind", "audience"]
