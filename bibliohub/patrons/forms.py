"""Staff forms for patrons. They parse and present; the patron services decide what is
allowed and report refusals, which `show_errors` puts next to the right field."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bibliohub.libraries.models import Branch
from bibliohub.patrons.errors import InvalidPatronData
from bibliohub.patrons.models import MAX_PIN_LENGTH, Patron, PatronCategory
from bibliohub.patrons.services import PatronDetails

# Form.fields is typed as holding plain Fields: the casts in the forms below name the class
# each field is declared with.

# Where a service's field name lands in these forms.
_FIELD_NAMES = {"card_barcode": "card_number", "guardian": "guardian_card"}


def show_errors(form: forms.Form, error: InvalidPatronData) -> None:
    """Put each message of `error` next to its field, or at the top of the form."""
    for name, messages in error.errors.items():
        name = _FIELD_NAMES.get(name, name)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class PatronSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, class, card number or e-mail"),
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "autofocus": True}),
    )


class PatronForm(forms.Form):
    """A patron's details, for registering at the desk and for editing them later."""

    family_name = forms.CharField(label=_("Family name"), max_length=150)
    given_names = forms.CharField(label=_("Given names"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=PatronCategory.objects.all())
    home_branch = forms.ModelChoiceField(label=_("Home branch"), queryset=Branch.objects.none())
    school_class = forms.CharField(
        label=_("Class or grade"),
        required=False,
        max_length=50,
        help_text=_("For students, e.g. 7B."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        help_text=_("Notices are sent in this language."),
    )
    guardian_card = forms.CharField(
        label=_("Guardian's card number"),
        required=False,
        max_length=30,
        help_text=_("For a child: the card of a parent or guardian registered already."),
    )
    card_number = forms.CharField(
        label=_("Card number"),
        required=False,
        max_length=30,
        help_text=_("Scan a pre-printed card, or leave empty and a number is issued."),
    )

    def __init__(
        self,
        *args: Any,
        branches: QuerySet[Branch],
        network_id: int,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.network_id = network_id
        cast("forms.ModelChoiceField[Branch]", self.fields["home_branch"]).queryset = branches
        if editing:
            del self.fields["card_number"]  # a card number changes only with a new card

    def clean_guardian_card(self) -> Patron | None:
        card = self.cleaned_data["guardian_card"].strip()
        if not card:
            return None
        guardian = Patron.objects.filter(network_id=self.network_id, card_barcode=card).first()
        if guardian is None:
            raise forms.ValidationError(_("No patron has this card number."))
        return guardian

    def details(self) -> PatronDetails:
        d = self.cleaned_data
        return PatronDetails(
            family_name=d["family_name"],
            given_names=d["given_names"],
            date_of_birth=d["date_of_birth"],
            email=d["email"],
            phone=d["phone"],
            address=d["address"],
            language=d["language"],
            school_class=d["school_class"],
        )

    @staticmethod
    def initial_from(patron: Patron) -> dict[str, object]:
        return {
            **{
                name: getattr(patron, name)
                for name in (
                    "family_name",
                    "given_names",
                    "date_of_birth",
                    "school_class",
                    "email",
                    "phone",
                    "address",
                    "language",
                )
            },
            "category": patron.category_id,
            "home_branch": patron.home_branch_id,
            "guardian_card": patron.guardian.card_barcode if patron.guardian else "",
        }


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The patron is told this reason."),
    )
    until = forms.DateField(
        label=_("Blocked until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to block until someone lifts the block."),
    )

    def ends_at(self) -> datetime | None:
        day = self.cleaned_data["until"]
        if day is None:
            return None
        return datetime.combine(day, time(23, 59), tzinfo=timezone.get_current_timezone())


class DeskPinForm(forms.Form):
    """A new PIN for a reader who forgot theirs, typed by the reader at the desk. How long
    it must be is the network's PIN policy, checked by patrons.pins.set_pin."""

    pin = forms.CharField(
        label=_("New PIN"),
        max_length=MAX_PIN_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    pin_again = forms.CharField(
        label=_("The new PIN again"),
        max_length=MAX_PIN_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if data.get("pin") and data.get("pin_again") and data["pin"] != data["pin_again"]:
            self.add_error("pin_again", _("The two PINs are not the same."))
        return data


class ConfirmForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"),
        required=False,
        max_length=30,
        help_text=_("Scan a pre-printed card, or leave empty and a number is issued."),
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the patron and their details are deleted for good."),
    )


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, with a header row: family_name, given_names and, as needed, card_number, "
            "category, class, date_of_birth, email, phone, address, language, guardian_card."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category for rows without one"),
        queryset=PatronCategory.objects.all(),
        required=False,
        empty_label=_("None: every row names its category"),
    )
    home_branch = forms.ModelChoiceField(label=_("Home branch"), queryset=Branch.objects.none())
    register = forms.BooleanField(
        label=_("Register them now"),
        required=False,
        help_text=_("Leave unticked to check the file first: nothing is saved."),
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Branch]", self.fields["home_branch"]).queryset = branches
