"""Forms of the patron portal. They only parse and check input; the services decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bibliohub.circulation.forms import not_needed_after_field
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import MAX_PIN_LENGTH, PIN_LENGTH_FLOOR, Patron, PatronCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Form.fields is typed as holding plain Fields: the casts in the forms below name the class
# each field is declared with.


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Branch) -> str:  # type: ignore[override]
        return obj.display_name()


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PatronCategory) -> str:  # type: ignore[override]
        return obj.display_name()


def active_branches():
    return Branch.objects.filter(is_active=True).order_by("sort_order", "code")


def _pin_field(label: StrOrPromise) -> forms.CharField:
    # The floor every network accepts; a network asking for longer PINs is checked by the
    # service (patrons.pins.set_pin), whose error the view puts on this field.
    return forms.CharField(
        label=label,
        min_length=PIN_LENGTH_FLOOR,
        max_length=MAX_PIN_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={
            "min_length": _("Choose a PIN of at least %(limit_value)d characters."),
        },
    )


class SignInForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=MAX_PIN_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class _NewPinMixin(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if (
            data.get("pin")
            and data.get("pin_again") is not None
            and data["pin"] != data["pin_again"]
        ):
            self.add_error("pin_again", _("The two PINs are not the same."))
        return data


class RegistrationForm(_NewPinMixin):
    """Signing up online: the library confirms the registration at the desk."""

    given_names = forms.CharField(label=_("Given names"), max_length=150)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional for adults."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send reminders before items are due, and tell you when a hold is ready."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    home_branch = BranchChoiceField(label=_("Your library"), queryset=Branch.objects.none())
    category = CategoryChoiceField(label=_("You are"), queryset=PatronCategory.objects.none())
    pin = _pin_field(_("Choose a PIN"))
    pin_again = forms.CharField(
        label=_("The same PIN again"),
        strip=False,
        max_length=MAX_PIN_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["home_branch"]).queryset = active_branches()
        cast(CategoryChoiceField, self.fields["category"]).queryset = PatronCategory.objects.all()


class ChildRegistrationForm(RegistrationForm):
    """A guardian, signed in, registers a child of theirs."""

    school_class = forms.CharField(label=_("Class or grade"), max_length=50, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].required = True
        self.fields["date_of_birth"].help_text = ""
        self.fields["category"].label = _("Category")
        self.fields["email"].help_text = _("Leave empty to receive the child's notices yourself.")
        self.order_fields(["given_names", "family_name", "date_of_birth", "school_class"])


class DetailsForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("For these pages and for the messages the library sends you."),
    )

    @classmethod
    def for_patron(cls, patron: Patron, data: Any = None) -> DetailsForm:
        return cls(
            data,
            initial={
                "email": patron.email,
                "phone": patron.phone,
                "address": patron.address,
                "language": patron.language,
            },
        )


class ChangePinForm(_NewPinMixin):
    current_pin = forms.CharField(
        label=_("Current PIN"),
        strip=False,
        max_length=MAX_PIN_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    pin = _pin_field(_("New PIN"))
    pin_again = forms.CharField(
        label=_("The new PIN again"),
        strip=False,
        max_length=MAX_PIN_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, patron: Patron, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patron = patron

    def clean_current_pin(self) -> str:
        pin = self.cleaned_data["current_pin"]
        if not self.patron.pin_matches(pin):
            raise forms.ValidationError(_("This is not your current PIN."))
        return pin


class NotNeededAfterForm(forms.Form):
    not_needed_after = not_needed_after_field()


class PickupForm(forms.Form):
    pickup_branch = BranchChoiceField(label=_("Pick up at"), queryset=Branch.objects.none())
    not_needed_after = not_needed_after_field()

    def __init__(
        self, *args: Any, network_id: int, branches: list[Branch] | None = None, **kwargs: Any
    ) -> None:
        """`branches`, the network's active branches read once, spares a page with one form
        per hold a query per form."""
        super().__init__(*args, **kwargs)
        field = cast(BranchChoiceField, self.fields["pickup_branch"])
        field.queryset = active_branches().filter(network_id=network_id)
        if branches is not None:
            empty: list[tuple[int | str, StrOrPromise]] = (
                [] if field.empty_label is None else [("", field.empty_label)]
            )
            field.choices = empty + [(b.pk, field.label_from_instance(b)) for b in branches]
