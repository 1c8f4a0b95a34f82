"""Forms for booking: a patron picking a length on the OPAC, staff booking for anyone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.spaces.models import BookingStatus, Kind

if TYPE_CHECKING:
    from bibliohub.libraries.models import Branch

# Form.fields is typed as holding plain Fields: the casts in the forms below name the class
# each field is declared with.


def _length_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return str(_("%(m)d minutes") % {"m": rest})
    if not rest:
        return str(_("%(h)d h") % {"h": hours})
    return str(_("%(h)d h %(m)d min") % {"h": hours, "m": rest})


class PatronBookingForm(forms.Form):
    """The start comes from the slot chosen; the patron picks how long."""

    start = forms.DateTimeField(widget=forms.HiddenInput)
    minutes = forms.TypedChoiceField(label=_("How long"), coerce=int)
    attendees = forms.IntegerField(label=_("Number of people"), min_value=1, required=False)
    purpose = forms.CharField(label=_("What for (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, lengths: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["minutes"]).choices = [(m, _length_label(m)) for m in lengths]


class StaffBookingForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=pgettext_lazy("time range", "From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=pgettext_lazy("time range", "Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    card = forms.CharField(
        label=_("Patron's card number"), max_length=30, required=False,
        help_text=_("Leave empty for a group or organisation."),
    )
    group_name = forms.CharField(label=_("Group or organisation"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=50, required=False)
    language = forms.ChoiceField(
        label=_("Language for messages"), choices=[("", "—"), *settings.LANGUAGES], required=False
    )
    attendees = forms.IntegerField(label=_("Number of people"), min_value=1, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    override = forms.BooleanField(
        label=_("Book even if it goes past the rules (limits, length, how far ahead)"), required=False
    )

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if not data.get("card", "").strip() and not data.get("group_name", "").strip():
            raise forms.ValidationError(_("Give a patron's card number or the name of a group."))
        return data

    def times(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        day = self.cleaned_data["day"]
        return (
            datetime.combine(day, self.cleaned_data["start"], tzinfo=tz),
            datetime.combine(day, self.cleaned_data["end"], tzinfo=tz),
        )


class BookingFilterForm(forms.Form):
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    start = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("date range", "Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *BookingStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Rooms or equipment"), required=False,
                             choices=[("", _("Both")), *Kind.choices])

    def __init__(self, *args: Any, branches: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["branch"]).choices = [("", _("All my branches"))] + [
            (b.code, b.display_name()) for b in branches
        ]


class ResourceForm(forms.ModelForm):
    """A room or piece of equipment, with its name in each interface language."""

    class Meta:
        from bibliohub.spaces.models import Resource

        model = Resource
        fields = ["branch", "kind", "resource_type", "code", "name", "description", "capacity",
                  "features", "accessibility", "photo", "photo_alt", "is_public", "is_active",
                  "sort_order"]
        widgets = {"features": forms.CheckboxSelectMultiple,
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "accessibility": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, branches, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch_field = cast("forms.ModelChoiceField[Branch]", self.fields["branch"])  # from Resource.branch
        branch_field.queryset = branches
        branch_field.empty_label = None
        names = self.instance.names or {}
        for code, language in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": language}, max_length=200,
                required=False, initial=names.get(code, ""),
            )

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        self.instance.names = {
            code: data[f"name_{code}"].strip()
            for code, _language in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE and data.get(f"name_{code}", "").strip()
        }
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        from bibliohub.spaces.models import BookingRule

        model = BookingRule
        fields = ["slot_minutes", "max_minutes", "max_minutes_per_day", "max_minutes_per_week",
                  "max_days_ahead", "buffer_minutes", "needs_approval", "checkin_minutes",
                  "reminder_hours"]
