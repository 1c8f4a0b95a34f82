"""Forms for the public registration pages and the staff screens. They parse input; the
services decide."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.community.models import Partner
from bibliohub.libraries.models import Branch
from bibliohub.programs.models import (
    Audience,
    Category,
    Event,
    EventKind,
    Format,
    ProgramPolicy,
    RegistrationMode,
)
from bibliohub.spaces.models import Room

# Form.fields is typed as holding plain Fields: the casts in the forms below name the class
# each field is declared with.


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _aware(day, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


class GuestRegistrationForm(forms.Form):
    """Someone without a library card, for themselves or for their child."""

    FOR_ME, FOR_CHILD = "me", "child"
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    contact_email = forms.EmailField(
        label=_("Your e-mail"), help_text=_("We send the confirmation and reminders here.")
    )
    attending = forms.ChoiceField(
        label=_("Who will come?"),
        choices=[(FOR_ME, _("I will")), (FOR_CHILD, _("My child (I will come too)"))],
        widget=forms.RadioSelect, initial=FOR_ME,
    )
    child_name = forms.CharField(label=_("Child's name"), max_length=200, required=False)
    age_band = forms.ChoiceField(label=_("Age of the person coming"), choices=Audience.choices)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bands = [b for b in event.audience_bands if b != Audience.ALL_AGES]
        choices = [c for c in Audience.choices if c[0] in bands] if bands else [
            c for c in Audience.choices if c[0] != Audience.ALL_AGES
        ]
        cast(forms.ChoiceField, self.fields["age_band"]).choices = choices
        if len(choices) == 1:
            self.fields["age_band"].initial = choices[0][0]

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if data.get("attending") == self.FOR_CHILD and not (data.get("child_name") or "").strip():
            self.add_error("child_name", _("Give your child's name."))
        return data

    @property
    def attendee_name(self) -> str:
        data = self.cleaned_data
        if data["attending"] == self.FOR_CHILD:
            return data["child_name"].strip()
        return data["contact_name"].strip()


class PatronRegistrationForm(forms.Form):
    """A signed-in patron registers themselves or one of the children they are guardian of."""

    attendee = forms.ChoiceField(label=_("Who will come?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attendee"]).choices = choices
        self.fields["attendee"].initial = choices[0][0]


class StaffRegistrationForm(forms.Form):
    card_number = forms.CharField(label=_("Card number"), max_length=30)


class EntryForm(forms.Form):
    author_name = forms.CharField(label=_("Your name"), max_length=200)
    contact_email = forms.EmailField(label=_("Your e-mail"))
    age_band = forms.ChoiceField(label=_("Your age"), choices=[c for c in Audience.choices if c[0] != Audience.ALL_AGES])
    title = forms.CharField(label=_("Title of your entry"), max_length=300)
    text = forms.CharField(label=_("Your entry"), widget=forms.Textarea(attrs={"rows": 10}), required=False)
    file = forms.FileField(label=_("Or attach a file"), required=False, help_text=_("PDF, Word or an image, up to 5 MB."))

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and file.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return file


class ResultForm(forms.Form):
    result = forms.CharField(label=_("Result"), max_length=200, required=False)
    rank = forms.IntegerField(label=pgettext_lazy("ranking in a contest", "Place"), min_value=1, required=False)
    published = forms.BooleanField(label=_("Show to the public"), required=False)


class WalkInForm(forms.Form):
    def __init__(self, *args: Any, initial_counts: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for band, label in Audience.choices:
            self.fields[f"band_{band}"] = forms.IntegerField(
                label=label, min_value=0, initial=initial_counts.get(band, 0), required=False
            )

    @property
    def counts(self) -> dict[str, int]:
        return {
            band: self.cleaned_data.get(f"band_{band}") or 0 for band, _label in Audience.choices
        }


class OccurrenceChangeForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(label=_("Note to the public"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The event must end after it starts."))
        return data

    @property
    def times(self) -> tuple[datetime, datetime]:
        d = self.cleaned_data
        return _aware(d["day"], d["starts"]), _aware(d["day"], d["ends"])


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False, help_text=_("Leave empty for no limit."))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ProgramPolicy
        fields = ["no_show_rule", "no_show_limit", "no_show_period_days", "no_show_pause_days", "reminder_hours"]

    def clean_no_show_limit(self) -> int:
        value = self.cleaned_data["no_show_limit"]
        if value < 1:
            raise forms.ValidationError(_("Allow at least one missed event."))
        return value


class CancelDateForm(forms.Form):
    note = forms.CharField(label=_("Reason, shown to the public"), max_length=300, required=False)


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Room) -> str:
        return f"{obj.display_name()} ({obj.branch.display_name()})"


class EventForm(forms.Form):
    """A new event. The title and description in the library's main language are required;
    translations are optional."""

    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices, initial=EventKind.PROGRAMME)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    audiences = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    format = forms.ChoiceField(label=pgettext_lazy("event format", "Format"), choices=Format.choices)
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(label=_("Place in the branch"), max_length=200, required=False)
    address = forms.CharField(label=_("Address away from the library"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Co-hosted with"), queryset=Partner.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate with commas."))
    presenters = forms.CharField(
        label=_("Presenters"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    recurrence = forms.CharField(
        label=_("Repeats"), required=False, max_length=300,
        help_text=_("Leave empty for one date. FREQ=WEEKLY;COUNT=10 is every week, ten times; FREQ=MONTHLY;BYDAY=1TH;COUNT=6 the first Thursday of six months."),
    )
    registration = forms.ChoiceField(label=_("Registration"), choices=RegistrationMode.choices, initial=RegistrationMode.PER_OCCURRENCE)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, required=False, help_text=_("Leave empty for no limit."))
    waitlist = forms.BooleanField(label=_("Keep a waiting list when full"), required=False, initial=True)
    registration_opens_days = forms.IntegerField(label=_("Registration opens (days before)"), min_value=0, required=False)
    registration_closes_hours = forms.IntegerField(label=_("Registration closes (hours before)"), min_value=0, initial=0, required=False)
    submissions_close_at = forms.DateTimeField(
        label=_("Entries close"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("For contests and reading activities."),
    )

    def __init__(self, *args: Any, branches, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Branch]", self.fields["branch"]).queryset = branches
        cast("forms.ModelChoiceField[Room]", self.fields["room"]).queryset = Room.objects.filter(branch__in=branches).select_related("branch")
        # Translations of the title and description, one pair per other interface language.
        for code, name in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name}, max_length=200, required=False
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description in %(language)s") % {"language": name}, required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The event must end after it starts."))
        fmt, room = data.get("format"), data.get("room")
        if room and data.get("branch") and room.branch_id != data["branch"].pk:
            self.add_error("room", _("Choose a room of the event's branch."))
        if fmt == Format.OFF_SITE and not data.get("address"):
            self.add_error("address", _("Give the address of an event away from the library."))
        if fmt in {Format.ONLINE, Format.HYBRID, Format.RECORDED} and not data.get("online_url"):
            self.add_error("online_url", _("Give the link people use to join or watch."))
        return data

    def translations(self, prefix: str) -> dict[str, str]:
        result = {settings.LANGUAGE_CODE: self.cleaned_data[prefix]} if self.cleaned_data.get(prefix) else {}
        for code, _name in settings.LANGUAGES:
            value = (self.cleaned_data.get(f"{prefix}_{code}") or "").strip()
            if value:
                result[code] = value
        return result

    @property
    def times(self) -> tuple[datetime, datetime]:
        d = self.cleaned_data
        return _aware(d["day"], d["starts"]), _aware(d["day"], d["ends"])

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]

    @property
    def presenter_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("presenters", ""))


class EventEditForm(EventForm):
    """The same fields as a new event, without the dates, the way people register and the
    number of places (each has its own action)."""

    WITHOUT = ("branch", "day", "starts", "ends", "recurrence", "registration", "capacity")

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        initial = {
            "kind": event.kind, "title": event.title, "description": event.description,
            "audiences": event.audience_bands, "format": event.format, "room": event.room_id,
            "place": event.place, "address": event.address, "online_url": event.online_url,
            "categories": list(event.categories.all()), "partners": list(event.partners.all()),
            "tags": ", ".join(event.tags), "presenters": "\n".join(event.presenters),
            "waitlist": event.waitlist, "registration_opens_days": event.registration_opens_days,
            "registration_closes_hours": event.registration_closes_hours,
            "submissions_close_at": event.submissions_close_at,
            **{f"title_{code}": text for code, text in event.titles.items()},
            **{f"description_{code}": text for code, text in event.descriptions.items()},
        }
        super().__init__(*args, initial=initial, branches=Branch.objects.filter(pk=event.branch_id), **kwargs)
        self.event = event
        for name in self.WITHOUT:
            del self.fields[name]
        self.fields["is_published"] = forms.BooleanField(
            label=_("Shown to the public"), required=False, initial=event.is_published
        )

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["branch"] = self.event.branch
        return super().clean()
