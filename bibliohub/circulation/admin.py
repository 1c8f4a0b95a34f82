"""Administration of the circulation rule table, school terms and the privacy policy, which
are saved (and deleted) through the circulation services, so each change is in the history
like one made on the staff screens. Loans, holds, transfers, fines, payments and refunds
change only through the desk's services: they are shown here, read-only."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.circulation import services
from bibliohub.circulation.models import (
    CirculationRule,
    Fine,
    Hold,
    Loan,
    Payment,
    PrivacyPolicy,
    Refund,
    Term,
    Transfer,
)
from bibliohub.history import Actor
from bibliohub.web.admin import ReadOnlyAdmin, ServiceAdmin


@admin.register(CirculationRule)
class CirculationRuleAdmin(ServiceAdmin):
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
                    "renewal_base",
                    "max_loans",
                    "max_loans_of_type",
                ]
            },
        ),
        (
            pgettext_lazy("reservation", "Holds"),
            {"fields": ["holds_allowed", "hold_pickup_days", "renew_if_other_copies"]},
        ),
        (
            pgettext_lazy("money owed", "Fines"),
            {
                "fields": [
                    "fine_per_day",
                    "grace_days",
                    "fine_days",
                    "fine_cap",
                    "max_fines_before_block",
                ]
            },
        ),
    ]

    def save(self, obj: CirculationRule, *, actor: Actor, at: datetime) -> None:
        services.save_rule(obj, actor=actor, at=at)

    def delete(self, obj: CirculationRule, *, actor: Actor, at: datetime) -> None:
        services.delete_rule(obj, actor=actor, at=at)


@admin.register(Term)
class TermAdmin(ServiceAdmin):
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

    def save(self, obj: Term, *, actor: Actor, at: datetime) -> None:
        services.save_term(obj, actor=actor, at=at)

    def delete(self, obj: Term, *, actor: Actor, at: datetime) -> None:
        services.delete_term(obj, actor=actor, at=at)


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["item", "patron", "branch", "checked_out_at", "due_at", "returned_at"]
    list_filter = ["branch", "outcome"]
    list_select_related = ["item", "patron", "branch"]
    search_fields = ["item__barcode", "patron__card_barcode"]
    date_hierarchy = "checked_out_at"


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = [
        "record",
        "patron",
        "pickup_branch",
        "status",
        "placed_at",
        "expires_at",
        "not_needed_after",
    ]
    list_filter = ["status", "pickup_branch"]
    list_select_related = ["record", "patron", "pickup_branch"]
    search_fields = ["patron__card_barcode", "record__title"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["item", "from_branch", "to_branch", "reason", "sent_at", "received_at"]
    list_filter = ["reason", "to_branch"]
    list_select_related = ["item", "from_branch", "to_branch"]


@admin.register(Fine)
class FineAdmin(ReadOnlyAdmin):
    list_display = ["patron", "kind", "amount", "paid", "created_at", "settled_at"]
    list_filter = ["kind"]
    list_select_related = ["patron"]
    search_fields = ["patron__card_barcode"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "patron", "amount", "branch", "at"]
    list_select_related = ["patron", "branch"]
    search_fields = ["receipt_number", "patron__card_barcode"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["patron", "amount", "created_at", "paid_out_at", "receipt_number"]
    list_select_related = ["patron"]
    search_fields = ["receipt_number", "patron__card_barcode"]


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(ServiceAdmin):
    list_display = ["network", "anonymise_after_days"]

    def save(self, obj: PrivacyPolicy, *, actor: Actor, at: datetime) -> None:
        services.save_privacy_policy(obj, actor=actor, at=at)
