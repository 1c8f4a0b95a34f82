"""Forms of the front desk and the rule screens. They parse and present; the circulation
services decide what is allowed and refuse with reasons the views show in words."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bibliohub.circulation.models import CirculationRule, Term
from bibliohub.libraries.models import Branch

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Form.fields is typed as holding plain Fields: the casts in the forms below name the class
# each field is declared with (or the model field gives it).


def _scan_field(label: StrOrPromise) -> forms.CharField:
    # Scanners type fast and end with Enter; the browser must not offer earlier values.
    return forms.CharField(
        label=label,
        max_length=50,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )


class DeskBranchForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("Branch of this desk"), queryset=Branch.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Branch]", self.fields["branch"]).queryset = branches


class CardForm(forms.Form):
    card = _scan_field(_("Patron card"))


class ItemBarcodeForm(forms.Form):
    barcode = _scan_field(_("Item barcode"))
    override_reason = forms.CharField(
        label=_("Reason for lending anyway"), required=False, max_length=255
    )


class SendForm(forms.Form):
    barcode = _scan_field(_("Item barcode"))
    to_branch = forms.ModelChoiceField(label=_("Send to"), queryset=Branch.objects.none())

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Branch]", self.fields["to_branch"]).queryset = branches


class PayForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount paid"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for waiving"), max_length=255)


class OverrideForm(forms.Form):
    override_reason = forms.CharField(label=_("Reason for overriding"), max_length=255)


class DamagedForm(forms.Form):
    note = forms.CharField(label=_("What is damaged"), required=False, max_length=255)
    amount = forms.DecimalField(
        label=_("Charge the last borrower"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Leave empty to charge nothing."),
    )


def not_needed_after_field() -> forms.DateField:
    """The optional day after which a reader no longer wants a title they hold."""
    return forms.DateField(
        label=_("Not needed after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: until it is filled or cancelled."),
    )


class HoldDateForm(forms.Form):
    not_needed_after = not_needed_after_field()


class ExplainForm(forms.Form):
    card = forms.CharField(
        label=_("Patron card"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    barcode = forms.CharField(
        label=_("Item barcode"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CirculationRuleForm(forms.ModelForm):
    class Meta:
        model = CirculationRule
        fields = [
            "branch",
            "patron_category",
            "item_type",
            "loan_period",
            "loan_unit",
            "renewals_allowed",
            "renewal_period",
            "renewal_base",
            "max_loans",
            "max_loans_of_type",
            "holds_allowed",
            "hold_pickup_days",
            "renew_if_other_copies",
            "fine_per_day",
            "grace_days",
            "fine_days",
            "fine_cap",
            "max_fines_before_block",
            "calendar_mode",
            "due_at_end_of_term",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("branch", "patron_category", "item_type"):
            cast(forms.ModelChoiceField, self.fields[name]).empty_label = _("Any")


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = [
            "branch",
            "name",
            "starts_on",
            "ends_on",
            "due_on",
            "borrowing_starts_on",
            "borrowing_ends_on",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in (
                "starts_on",
                "ends_on",
                "due_on",
                "borrowing_starts_on",
                "borrowing_ends_on",
            )
        }

    def __init__(self, *args: Any, network_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.network_id = network_id
        branch_field = cast("forms.ModelChoiceField[Branch]", self.fields["branch"])
        branch_field.queryset = Branch.objects.filter(network_id=network_id)
        branch_field.empty_label = _("Every branch")


class EndOfTermForm(forms.Form):
    school_class = forms.CharField(
        label=_("Class or grade"), required=False, max_length=50, help_text=_("Empty: every class.")
    )
