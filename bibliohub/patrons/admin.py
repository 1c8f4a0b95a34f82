"""Administration of patron data for administrators. Registration, blocks and erasure have
their own services and screens; here an administrator may correct a patron's details and set
up categories, through the patrons services (so the change is in the history, on the
administration channel), but cannot add or delete a patron (registration and erasure check
and record more than a form can)."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from bibliohub.history import Actor
from bibliohub.patrons import pins, services
from bibliohub.patrons.models import Block, Patron, PatronCategory, PinPolicy
from bibliohub.web.admin import ReadOnlyInline, ServiceAdmin


@admin.register(PatronCategory)
class PatronCategoryAdmin(ServiceAdmin):
    list_display = ["code", "name", "age_band", "card_validity_months", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["code", "name"]

    def save(self, obj: PatronCategory, *, actor: Actor, at: datetime) -> None:
        services.save_category(obj, actor=actor, at=at)

    def delete(self, obj: PatronCategory, *, actor: Actor, at: datetime) -> None:
        services.delete_category(obj, actor=actor, at=at)


class BlockInline(ReadOnlyInline):
    """Shown for reference: blocks are added and lifted through the services, which record
    who did it."""

    model = Block
    fk_name = "patron"
    fields = readonly_fields = (
        "reason",
        "starts_at",
        "ends_at",
        "lifted_at",
        "staff",
        "channel",
        "lifted_by",
    )


class PatronForm(forms.ModelForm):
    # After Django's model validation, as its own UserCreationForm does: the instance then
    # holds the corrections, which is what the service checks.
    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        for field, messages in services.correction_problems(
            self.instance, at=timezone.now()
        ).items():
            self.add_error(field if field in self.fields else None, messages)


@admin.register(Patron)
class PatronAdmin(ServiceAdmin):
    form = PatronForm
    list_display = [
        "card_barcode",
        "family_name",
        "given_names",
        "category",
        "home_branch",
        "school_class",
        "status",
        "card_expires_on",
    ]
    list_filter = ["status", "category", "home_branch"]
    search_fields = ["card_barcode", "family_name", "given_names", "email", "school_class"]
    list_select_related = ["category", "home_branch"]
    raw_id_fields = ["guardian"]
    readonly_fields = [
        "network",
        "status",
        "created_at",
        "confirmed_at",
        "reading_history",
        "reading_history_consent_at",
    ]
    inlines = [BlockInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save(self, obj: Patron, *, actor: Actor, at: datetime) -> None:
        services.correct_patron(obj, actor=actor, at=at)


@admin.register(PinPolicy)
class PinPolicyAdmin(ServiceAdmin):
    """Each network's PIN policy: the shortest PIN, and how many wrong PINs lock a card for
    how long. Saved through patrons.pins, so each change is in the history."""

    list_display = ["network", "min_length", "failures_before_lock", "lock_minutes"]

    def save(self, obj: PinPolicy, *, actor: Actor, at: datetime) -> None:
        pins.save_pin_policy(obj, actor=actor, at=at)
