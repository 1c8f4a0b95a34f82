"""Administrators keep the list of volunteer skills here, through the community services (so
each change is in the history, on the channel "administration"). Everything else is changed
on the staff screens (/staff/community/), through the services, so it is only shown here."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin

from bibliohub.community.models import (
    HoursEntry,
    Mentor,
    MentoringRequest,
    Partner,
    Referral,
    Skill,
    Volunteer,
)
from bibliohub.community.services import volunteers
from bibliohub.history import Actor
from bibliohub.web.admin import ReadOnlyAdmin, ServiceAdmin


@admin.register(Skill)
class SkillAdmin(ServiceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def save(self, obj: Skill, *, actor: Actor, at: datetime) -> None:
        volunteers.save_skill(obj, actor=actor, at=at)


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "since", "is_active"]
    list_filter = ["kind", "is_active", "branches"]
    search_fields = ["name"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["on", "direction", "partner", "branch", "outcome"]
    list_filter = ["direction", "outcome", "branch"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    list_display = ["name", "consented_at", "is_active"]
    list_filter = ["is_active", "branches"]
    search_fields = ["name", "email"]


@admin.register(HoursEntry)
class HoursEntryAdmin(ReadOnlyAdmin):
    list_display = ["on", "volunteer", "branch", "minutes", "status"]
    list_filter = ["status", "branch"]


@admin.register(Mentor)
class MentorAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "contact_preference", "public_consent_at", "is_active"]
    list_filter = ["kind", "contact_preference", "is_active"]
    search_fields = ["name", "organisation"]


@admin.register(MentoringRequest)
class MentoringRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "branch", "topic", "status", "mentor"]
    list_filter = ["status", "topic", "branch"]
