"""Forms of the community screens. They validate input and hand the services plain values
(`details()`); they never save."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.community.models import (
    ActivityKind,
    ContactPreference,
    Direction,
    Mentor,
    MentorKind,
    Partner,
    PartnerKind,
    ReferralOutcome,
    Skill,
    Topic,
    Volunteer,
)
from bibliohub.community.services.career import MentorDetails, ResourceDetails
from bibliohub.community.services.partners import PartnerDetails
from bibliohub.community.services.volunteers import VolunteerDetails
from bibliohub.libraries.models import Branch, Weekday

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
OTHER_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != "en"]

# Form.fields is typed as holding plain Fields: the casts in the forms below name the class
# each field is declared with.


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Branch) -> str:
        return obj.display_name()


class BranchesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Branch) -> str:
        return obj.display_name()


class _Translations:
    """Adds one field per interface language (other than English) for a text that has a
    translation in each language, e.g. `title_uk`, and reads them back as a dict."""

    def add_translations(self, name: str, label: StrOrPromise, initial: dict[str, str], *, long: bool = False) -> None:
        for code, language in OTHER_LANGUAGES:
            field = forms.CharField(
                label=f"{label} ({language})", required=False,
                widget=forms.Textarea(attrs={"rows": 2}) if long else None,
            )
            self.fields[f"{name}_{code}"] = field  # type: ignore[attr-defined]
            self.initial.setdefault(f"{name}_{code}", initial.get(code, ""))  # type: ignore[attr-defined]

    def translations(self, name: str) -> dict[str, str]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {code: data[f"{name}_{code}"].strip() for code, _ in OTHER_LANGUAGES
                if data.get(f"{name}_{code}", "").strip()}


class PartnerForm(_Translations, forms.Form):
    name = forms.CharField(label=pgettext_lazy("organisation", "Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=PartnerKind.choices)
    since = forms.DateField(label=_("Partner since"), widget=DATE)
    branches = BranchesField(label=_("Branches"), queryset=Branch.objects.none())
    offers = forms.CharField(label=_("What they offer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("About"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, branches: QuerySet[Branch], partner: Partner | None = None, **kwargs: Any) -> None:
        if partner is not None:
            kwargs.setdefault("initial", {
                "name": partner.name, "kind": partner.kind, "since": partner.since,
                "branches": list(partner.branches.all()), "offers": partner.offers,
                "description": partner.description, "website": partner.website,
                "email": partner.email, "phone": partner.phone, "address": partner.address,
                "is_active": partner.is_active,
            })
        super().__init__(*args, **kwargs)
        cast(BranchesField, self.fields["branches"]).queryset = branches
        self.add_translations("name", pgettext_lazy("organisation", "Name"), partner.names if partner else {})

    def details(self, branches: list[Branch]) -> PartnerDetails:
        d = self.cleaned_data
        return PartnerDetails(
            name=d["name"], names=self.translations("name"), kind=d["kind"], since=d["since"],
            branches=branches, offers=d["offers"], description=d["description"],
            website=d["website"], email=d["email"], phone=d["phone"], address=d["address"],
            is_active=d["is_active"],
        )


class ContactForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    is_primary = forms.BooleanField(label=_("Main contact"), required=False)


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)
    starts_on = forms.DateField(label=_("Valid from"), widget=DATE)
    ends_on = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    document = forms.FileField(label=_("Document"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The agreement must end after it starts."))
        return data


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    branch = BranchChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    value = forms.DecimalField(label=_("Estimated value"), required=False, min_value=0,
                               max_digits=12, decimal_places=2,
                               help_text=_("For donations in kind: what the gift would have cost."))
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False,
                               help_text=_("Three letters, e.g. UAH, USD, PLN."))

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["branch"]).queryset = branches


class ReferralForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    branch = BranchChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    on = forms.DateField(label=_("Date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What the person needed. No names, please."))

    def __init__(self, *args: Any, branches: QuerySet[Branch], partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["branch"]).queryset = branches
        cast("forms.ModelChoiceField[Partner]", self.fields["partner"]).queryset = partners


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)
    note = forms.CharField(label=_("Notes on the outcome"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class VolunteerForm(forms.Form):
    card = forms.CharField(label=_("Card number"), max_length=30, required=False,
                           help_text=_("If the volunteer has a library card: name and contact details come from it."))
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    branches = BranchesField(label=_("Branches"), queryset=Branch.objects.none())
    skills = forms.ModelMultipleChoiceField(label=_("Skills"), queryset=Skill.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    available_days = forms.TypedMultipleChoiceField(
        label=_("Days available"), choices=Weekday.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.CharField(label=_("Availability"), required=False,
                                   help_text=_("e.g. after 16:00"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    consent = forms.BooleanField(
        label=_("Agreed to the library keeping these details"), required=False,
        help_text=_("Without it, the volunteer cannot be given shifts or hours."),
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], volunteer: Volunteer | None = None, **kwargs: Any) -> None:
        if volunteer is not None:
            kwargs.setdefault("initial", {
                "name": volunteer.name, "email": volunteer.email, "phone": volunteer.phone,
                "language": volunteer.language, "branches": list(volunteer.branches.all()),
                "skills": list(volunteer.skills.all()), "available_days": volunteer.available_days,
                "availability": volunteer.availability, "is_active": volunteer.is_active,
            })
        super().__init__(*args, **kwargs)
        cast(BranchesField, self.fields["branches"]).queryset = branches
        if volunteer is not None:
            # Consent and the card have their own actions on the volunteer's page.
            del self.fields["card"], self.fields["consent"]

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if not data.get("card", "").strip() and not data.get("name", "").strip():
            self.add_error("name", _("Give a name or a card number."))
        return data

    def details(self, branches: list[Branch]) -> VolunteerDetails:
        d = self.cleaned_data
        return VolunteerDetails(
            name=d["name"].strip(), email=d["email"], phone=d["phone"], language=d["language"],
            branches=branches, skills=list(d["skills"]), available_days=d["available_days"],
            availability=d["availability"], is_active=d["is_active"],
        )


class ShiftForm(forms.Form):
    branch = BranchChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DATE)
    starts = forms.TimeField(label=pgettext_lazy("time range", "From"), widget=TIME)
    ends = forms.TimeField(label=pgettext_lazy("time range", "Until"), widget=TIME)
    capacity = forms.IntegerField(label=_("Volunteers needed"), min_value=1, initial=1)
    description = forms.CharField(label=_("What to do"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    skills = forms.ModelMultipleChoiceField(label=_("Skills wanted"), queryset=Skill.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["branch"]).queryset = branches

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The shift must end after it starts."))
        return data

    def times(self) -> tuple[datetime, datetime]:
        d = self.cleaned_data
        zone = timezone.get_current_timezone()
        return (datetime.combine(d["day"], d["starts"], tzinfo=zone),
                datetime.combine(d["day"], d["ends"], tzinfo=zone))


class SignupForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Volunteer]", self.fields["volunteer"]).queryset = volunteers


class HoursForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    branch = BranchChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    on = forms.DateField(label=_("Date"), widget=DATE)
    minutes = forms.IntegerField(label=pgettext_lazy("duration", "Minutes"), min_value=1, max_value=24 * 60)
    description = forms.CharField(label=_("What they did"), max_length=300, required=False)

    def __init__(self, *args: Any, branches: QuerySet[Branch], volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["branch"]).queryset = branches
        cast("forms.ModelChoiceField[Volunteer]", self.fields["volunteer"]).queryset = volunteers


class ResourceForm(_Translations, forms.Form):
    branch = BranchChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sort_order = forms.IntegerField(label=pgettext_lazy("sort order", "Order"), min_value=0, initial=0,
                                    help_text=_("Smaller numbers come first within a topic."))
    is_published = forms.BooleanField(label=_("Shown to the public"), required=False, initial=True)

    def __init__(self, *args: Any, branches: QuerySet[Branch], resource=None, **kwargs: Any) -> None:
        if resource is not None:
            kwargs.setdefault("initial", {
                "branch": resource.branch, "topic": resource.topic, "title": resource.title,
                "url": resource.url, "description": resource.description,
                "sort_order": resource.sort_order, "is_published": resource.is_published,
            })
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["branch"]).queryset = branches
        self.add_translations("title", _("Title"), resource.titles if resource else {})
        self.add_translations("description", _("Description"),
                              resource.descriptions if resource else {}, long=True)

    def details(self) -> ResourceDetails:
        d = self.cleaned_data
        return ResourceDetails(
            topic=d["topic"], title=d["title"], titles=self.translations("title"), url=d["url"],
            description=d["description"], descriptions=self.translations("description"),
            sort_order=d["sort_order"], is_published=d["is_published"],
        )


class MentorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=MentorKind.choices)
    name = forms.CharField(label=pgettext_lazy("mentor or business", "Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    partner = forms.ModelChoiceField(label=_("Partner organisation"), queryset=Partner.objects.none(),
                                     required=False)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    expertise = forms.CharField(label=_("What they can help with"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    languages = forms.CharField(label=_("Languages spoken"), max_length=200, required=False)
    branches = BranchesField(label=_("Branches"), queryset=Branch.objects.none())
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_preference = forms.ChoiceField(label=_("How they want to be contacted"),
                                           choices=ContactPreference.choices)
    public_consent = forms.BooleanField(
        label=_("Agreed to be listed publicly"), required=False,
        help_text=_("Only then are they shown in the public directory, with the contact details they chose."),
    )
    takes_requests = forms.BooleanField(label=_("Takes mentoring requests"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, branches: QuerySet[Branch], partners: QuerySet[Partner],
                 mentor: Mentor | None = None, **kwargs: Any) -> None:
        if mentor is not None:
            kwargs.setdefault("initial", {
                "kind": mentor.kind, "name": mentor.name, "organisation": mentor.organisation,
                "partner": mentor.partner, "topics": mentor.topics, "expertise": mentor.expertise,
                "languages": mentor.languages, "branches": list(mentor.branches.all()),
                "email": mentor.email, "phone": mentor.phone, "website": mentor.website,
                "contact_preference": mentor.contact_preference,
                "public_consent": mentor.public_consent_at is not None,
                "takes_requests": mentor.takes_requests, "is_active": mentor.is_active,
            })
        super().__init__(*args, **kwargs)
        cast(BranchesField, self.fields["branches"]).queryset = branches
        cast("forms.ModelChoiceField[Partner]", self.fields["partner"]).queryset = partners

    def clean(self) -> dict:
        data = cast(dict[str, Any], super().clean())  # Django's clean() returns cleaned_data
        preference = data.get("contact_preference")
        if preference in {ContactPreference.EMAIL, ContactPreference.ANY} and not data.get("email"):
            self.add_error("email", _("Give the e-mail address they want to be contacted at."))
        if preference in {ContactPreference.PHONE, ContactPreference.ANY} and not data.get("phone"):
            self.add_error("phone", _("Give the phone number they want to be contacted at."))
        return data

    def details(self, branches: list[Branch]) -> MentorDetails:
        d = self.cleaned_data
        return MentorDetails(
            kind=d["kind"], name=d["name"], organisation=d["organisation"], partner=d["partner"],
            topics=list(d["topics"]), expertise=d["expertise"], languages=d["languages"],
            branches=branches, email=d["email"], phone=d["phone"], website=d["website"],
            contact_preference=d["contact_preference"], takes_requests=d["takes_requests"],
            is_active=d["is_active"],
        )


class MatchForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Mentor.objects.none())
    day = forms.DateField(label=_("Date"), widget=DATE)
    time = forms.TimeField(label=_("Time"), widget=TIME)
    notify = forms.BooleanField(label=_("Tell the person by e-mail"), required=False, initial=True)

    def __init__(self, *args: Any, mentors: QuerySet[Mentor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Mentor]", self.fields["mentor"]).queryset = mentors

    def appointment(self) -> datetime:
        d = self.cleaned_data
        return datetime.combine(d["day"], d["time"], tzinfo=timezone.get_current_timezone())


class OutcomeTextForm(forms.Form):
    outcome = forms.CharField(label=_("How it went"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MentoringRequestForm(forms.Form):
    """The public form. A signed-in patron does not see the name and e-mail fields."""

    branch = BranchChoiceField(label=_("Library"), queryset=Branch.objects.none())
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    message = forms.CharField(label=_("What would you like help with?"), widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=50, required=False)

    def __init__(self, *args: Any, branches: QuerySet[Branch], signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(BranchChoiceField, self.fields["branch"]).queryset = branches
        if signed_in:
            for name in ("name", "email", "phone"):
                del self.fields[name]
