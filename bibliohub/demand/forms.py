"""The forms of the portal's suggestion page, the desk and the staff screens. What a
suggestion or a request must hold (an ISBN that checks out, a title) is the services' to
say; these forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.catalog.models import Format
from bibliohub.demand.models import DeclineReason, SuggestionState
from bibliohub.libraries.models import Branch
from bibliohub.search.languages import LANGUAGE_NAMES


def _languages() -> list[tuple[str, str]]:
    named = sorted(((code, str(name)) for code, name in LANGUAGE_NAMES.items()), key=lambda c: c[1])
    return [("", str(_("Any language"))), *named]


class SuggestionForm(forms.Form):
    """A title to buy: what a patron fills in the portal, and staff at the desk."""

    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    author = forms.CharField(label=_("Author"), max_length=300, required=False)
    isbn = forms.CharField(
        label=_("ISBN"), max_length=20, required=False,
        help_text=_("10 or 13 digits, with or without hyphens, if you know it."),
    )
    format = forms.ChoiceField(
        label=pgettext_lazy("of the material", "Format"), choices=Format.choices,
        initial=Format.BOOK,
    )
    language = forms.ChoiceField(
        label=pgettext_lazy("of the material", "Language"), choices=(), required=False
    )
    reason = forms.CharField(
        label=_("Why would you like us to buy it?"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    branch = forms.ModelChoiceField(
        label=_("Library where you would collect it"), queryset=Branch.objects.none(),
        empty_label=None,
    )
    wants_hold = forms.BooleanField(
        label=_("Hold a copy for me when it arrives"), required=False, initial=True
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        self.fields["language"].choices = _languages()  # type: ignore[attr-defined]


class DeskSuggestionForm(SuggestionForm):
    """A suggestion taken at the desk, for a patron (by card) or from staff."""

    card = forms.CharField(
        label=_("Patron's card number"), max_length=40, required=False,
        help_text=_("Leave empty for a suggestion of the library's own staff."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].label = pgettext_lazy("desk", "Branch")
        self.fields["wants_hold"].label = _("Hold a copy for the patron when it arrives")
        self.fields["reason"].label = pgettext_lazy("purchase suggestion", "Why")


class TitleRequestForm(forms.Form):
    """A title asked for at the desk that the library does not have."""

    branch = forms.ModelChoiceField(
        label=pgettext_lazy("desk", "Branch"), queryset=Branch.objects.none(), empty_label=None
    )
    isbn = forms.CharField(label=_("ISBN"), max_length=20, required=False)
    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    author = forms.CharField(label=_("Author"), max_length=300, required=False)
    subject = forms.CharField(
        label=pgettext_lazy("of a book", "Subject"), max_length=200, required=False
    )
    card = forms.CharField(label=_("Patron's card number"), max_length=40, required=False)

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    branch = forms.ChoiceField(label=pgettext_lazy("desk", "Branch"), required=False)
    state = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", pgettext_lazy("status", "Any")), *SuggestionState.choices],
    )
    text = forms.CharField(label=_("Title, author or ISBN"), required=False, max_length=200)
    since = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, branches: list[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [  # type: ignore[attr-defined]
            ("", _("All my branches")), *[(b.code, b.display_name()) for b in branches]
        ]


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for declining"), choices=DeclineReason.choices)
    note = forms.CharField(
        label=_("Note to the patron"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReceiveForm(forms.Form):
    record = forms.IntegerField(
        label=_("Number of the title in the catalogue"), min_value=1,
        help_text=_("The record the copy received was catalogued as."),
    )


class ReportForm(forms.Form):
    branch = forms.ChoiceField(label=pgettext_lazy("desk", "Branch"), required=False)
    start = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, branches: list[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [  # type: ignore[attr-defined]
            ("", _("All my branches")), *[(b.code, b.display_name()) for b in branches]
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end comes after the start."))
        return data
