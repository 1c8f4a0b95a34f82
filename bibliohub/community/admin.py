"""Administrators keep the list of volunteer skills here. Everything else is changed through
the staff screens (the services, which record who did what), so it is read-only here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bibliohub.community.models import (
    CommunityEvent,
    HoursEntry,
    Mentor,
    MentoringRequest,
    Partner,
    Referral,
    Skill,
    Volunteer,
)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(ReadOnly):
    list_display = ["name", "kind", "since", "is_active"]
    list_filter = ["kind", "is_active", "branches"]
    search_fields = ["name"]


@admin.register(Referral)
class ReferralAdmin(ReadOnly):
    list_display = ["on", "direction", "partner", "branch", "outcome"]
    list_filter = ["direction", "outcome", "branch"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnly):
    list_display = ["name", "consented_at", "is_active"]
    list_filter = ["is_active", "branches"]
    search_fields = ["name", "email"]


@admin.register(HoursEntry)
class HoursEntryAdmin(ReadOnly):
    list_display = ["on", "volunteer", "branch", "minutes", "status"]
    list_filter = ["status", "branch"]


@admin.register(Mentor)
class MentorAdmin(ReadOnly):
    list_display = ["name", "kind", "contact_preference", "public_consent_at", "is_active"]
    list_filter = ["kind", "contact_preference", "is_active"]
    search_fields = ["name", "organisation"]


@admin.register(MentoringRequest)
class MentoringRequestAdmin(ReadOnly):
    list_display = ["created_at", "branch", "topic", "status", "mentor"]
    list_filter = ["status", "topic", "branch"]


@admin.register(CommunityEvent)
class CommunityEventAdmin(ReadOnly):
    list_display = ["at", "kind", "branch", "staff", "partner", "volunteer"]
    list_filter = ["kind", "branch"]
    date_hierarchy = "at"
