"""Administration of the circulation rule table and school terms."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bibliohub.circulation.models import CirculationRule, Term


@admin.register(CirculationRule)
class CirculationRuleAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "loan_period",
        "loan_unit",
        "renewals_allowed",
        "max_loans",
        "holds_allowed",
        "fine_per_day",
        "calendar_mode",
        "due_at_end_of_term",
    ]
    list_filter = ["branch", "patron_category", "item_type", "loan_unit", "calendar_mode"]
    list_select_related = ["branch", "patron_category", "item_type"]
    fieldsets = [
        (None, {"fields": ["branch", "patron_category", "item_type", "note"]}),
        (
            _("Loans"),
            {
                "fields": [
                    "loan_period",
                    "loan_unit",
                    "calendar_mode",
                    "due_at_end_of_term",
                    "renewals_allowed",
                    "renewal_period",
                    "max_loans",
                    "max_loans_of_type",
                ]
            },
        ),
        (_("Holds"), {"fields": ["holds_allowed", "hold_pickup_days"]}),
        (
            _("Fines"),
            {"fields": ["fine_per_day", "grace_days", "fine_cap", "max_fines_before_block"]},
        ),
    ]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "branch",
        "starts_on",
        "ends_on",
        "due_on",
        "borrowing_starts_on",
        "borrowing_ends_on",
    ]
    list_filter = ["branch"]
    date_hierarchy = "starts_on"
