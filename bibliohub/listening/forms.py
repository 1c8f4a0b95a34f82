"""The forms of the public page, the desk and the staff screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language_info, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bibliohub.accounts.models import User
from bibliohub.libraries.models import Branch
from bibliohub.listening.models import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackState,
    FeedbackTopic,
)

DESK_CHANNELS = [(c.value, c.label) for c in (FeedbackChannel.SPOKEN, FeedbackChannel.PAPER)]


class FeedbackForm(forms.Form):
    """A complaint, suggestion or thanks from anyone; the contact is optional."""

    kind = forms.ChoiceField(
        label=_("What would you like to send?"), choices=FeedbackKind.choices,
        widget=forms.RadioSelect, initial=FeedbackKind.SUGGESTION,
        error_messages={"required": _("Choose a complaint, a suggestion or thanks.")},
    )
    topic = forms.ChoiceField(
        label=_("What is it about?"), choices=FeedbackTopic.choices,
        error_messages={"required": _("Choose what it is about.")},
    )
    branch = forms.ModelChoiceField(
        label=pgettext_lazy("feedback", "Library"), queryset=Branch.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the library it concerns.")},
    )
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        error_messages={"required": _("Please tell us what it is about.")},
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200)
    contact_email = forms.EmailField(
        label=_("E-mail for our answer (optional)"), required=False,
        error_messages={"invalid": _("Enter an e-mail address like name@example.org, or leave it empty.")},
    )
    contact_phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=50)
    # Each language in its own name, so that a reader finds theirs whatever the page's.
    language = forms.ChoiceField(
        label=_("Language for our answer"),
        choices=[(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES],
    )
    attachment = forms.FileField(
        label=_("Photo or PDF (optional)"), required=False,
        help_text=_("JPEG, PNG or PDF, up to 5 MB."),
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch_field = self.fields["branch"]
        assert isinstance(branch_field, forms.ModelChoiceField)
        branch_field.queryset = branches


class PublicFeedbackForm(FeedbackForm):
    # A field people never see: a program filling every field gives itself away.
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class DeskFeedbackForm(FeedbackForm):
    """What a librarian types for someone who spoke at the desk or left a paper note."""

    channel = forms.ChoiceField(label=_("How it was received"), choices=DESK_CHANNELS)

    field_order = ["channel", "kind", "topic", "branch", "text"]


class FilterForm(forms.Form):
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    state = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", pgettext_lazy("any state", "Any")), *FeedbackState.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False,
        choices=[("", pgettext_lazy("any kind", "Any")), *FeedbackKind.choices],
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False,
        choices=[("", pgettext_lazy("any topic", "Any")), *FeedbackTopic.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, branches: list[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["branch"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All my branches"))] + [(b.code, b.display_name()) for b in branches]


class AssessForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=FeedbackTopic.choices)
    no_extra_study = forms.BooleanField(
        label=_("No extra study needed (shorter deadline)"), required=False
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(),
        error_messages={"required": _("Choose who answers.")},
    )

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000,
        error_messages={"required": _("Write the answer first.")},
    )


class PublishForm(forms.Form):
    publish = forms.BooleanField(label=_("Publish in “You said, we did”"), required=False)
    summary = forms.CharField(
        label=_("Public summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("What was said and what the library did, without names."),
    )
