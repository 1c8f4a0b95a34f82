"""Staff forms for records, copies and MARC files. They parse and present; the services decide
what is allowed and report refusals, which `web.forms.show_refusal` puts next to the right
field."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.catalog.models import Audience, ItemType
from bibliohub.catalog.services import (
    EDITABLE_STATUSES,
    ItemData,
    RecordChanges,
)
from bibliohub.libraries.models import Branch, Location

_LIST_SPLIT = re.compile(r"[\n\r]+")
_CODES_SPLIT = re.compile(r"[\s,;]+")

# Form.fields is typed as holding plain Fields: the casts in the forms below name the class
# each field is declared with.


def _lines(text: str) -> list[str]:
    return [line.strip() for line in _LIST_SPLIT.split(text or "") if line.strip()]


class RecordForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=2000)
    subtitle = forms.CharField(label=_("Subtitle"), required=False, max_length=2000)
    responsibility = forms.CharField(
        label=_("Statement of responsibility"), required=False, max_length=2000,
        help_text=_("As printed on the title page, e.g. “Lesia Ukrainka ; translated by …”."),
    )
    authors = forms.CharField(
        label=_("Authors"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, “Surname, Forename”. The first is the main author."),
    )
    subjects = forms.CharField(
        label=_("Subjects"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; separate subdivisions with “--”."),
    )
    isbns = forms.CharField(
        label=_("ISBNs"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, with or without hyphens."),
    )
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=500)
    place = forms.CharField(label=_("Place of publication"), required=False, max_length=500)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1000, max_value=2999)
    languages = forms.CharField(
        label=_("Languages"), required=False, max_length=200,
        help_text=_("MARC codes, first the main one: eng, ukr, vie, chi, pol."),
    )
    edition = forms.CharField(label=_("Edition"), required=False, max_length=500)
    series = forms.CharField(label=_("Series"), required=False, max_length=1000)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("Not stated")), *Audience.choices]
    )

    @classmethod
    def initial_from(cls, changes: RecordChanges) -> dict[str, object]:
        return {
            **{name: getattr(changes, name) for name in (
                "title", "subtitle", "responsibility", "publisher", "place", "year", "edition",
                "series", "summary", "audience")},
            "authors": "\n".join(changes.authors),
            "subjects": "\n".join(changes.subjects),
            "isbns": "\n".join(changes.isbns),
            "languages": ", ".join(changes.languages),
        }

    def to_changes(self) -> RecordChanges:
        d = self.cleaned_data
        return RecordChanges(
            title=d["title"], subtitle=d["subtitle"], responsibility=d["responsibility"],
            authors=_lines(d["authors"]), subjects=_lines(d["subjects"]),
            isbns=[v for line in _lines(d["isbns"]) for v in line.split(",") if v.strip()],
            publisher=d["publisher"], place=d["place"], year=d["year"],
            languages=[v for v in _CODES_SPLIT.split(d["languages"]) if v],
            edition=d["edition"], series=d["series"], summary=d["summary"],
            audience=d["audience"] or "",
        )


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Location) -> str:
        return f"{obj.branch.display_name()} — {obj.display_name()}"


class ItemForm(forms.Form):
    barcode = forms.CharField(label=_("Barcode"), max_length=50)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    location = LocationChoiceField(
        label=_("Shelving location"), queryset=Location.objects.none(), required=False
    )
    call_number = forms.CharField(label=_("Call number"), required=False, max_length=100)
    item_type = forms.ModelChoiceField(label=_("Item type"), queryset=ItemType.objects.all())
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in EDITABLE_STATUSES]
    )
    price = forms.DecimalField(label=_("Price"), required=False, max_digits=10, decimal_places=2, min_value=0)
    received_on = forms.DateField(
        label=_("Received"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_on = forms.DateField(
        label=_("Made available"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    public_note = forms.CharField(label=_("Note for readers"), required=False, max_length=255)

    def __init__(self, *args: Any, branches, circulating_status: str = "", **kwargs: Any) -> None:
        """`branches`: the branches this member of staff may put copies in. A copy that
        circulation is moving keeps its status, so the field is then left out."""
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Branch]", self.fields["branch"]).queryset = branches
        cast(LocationChoiceField, self.fields["location"]).queryset = (
            Location.objects.filter(branch__in=branches).select_related("branch").order_by("branch__sort_order", "branch__code", "code")
        )
        if circulating_status:
            del self.fields["status"]
        self.circulating_status = circulating_status

    def to_data(self) -> ItemData:
        d = self.cleaned_data
        return ItemData(
            barcode=d["barcode"], branch=d["branch"], item_type=d["item_type"],
            location=d["location"], call_number=d["call_number"], price=d["price"],
            received_on=d["received_on"], available_on=d["available_on"],
            public_note=d["public_note"], status=d.get("status") or self.circulating_status,
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), max_length=255,
        help_text=_("For example: worn out, lost by a reader and paid for, outdated."),
    )


class BarcodeForm(forms.Form):
    barcode = forms.CharField(label=_("Barcode"), max_length=50)


class MarcUploadForm(forms.Form):
    file = forms.FileField(
        label=_("MARC file"),
        help_text=_("MARC 21 (.mrc) or MARCXML. Files of more than a few thousand records load faster with the command bibliohub import-marc."),
    )
    format = forms.ChoiceField(
        label=pgettext_lazy("MARC file", "Format"),
        choices=[
            ("auto", _("Recognise automatically")),
            ("iso2709", _("MARC 21 (ISO 2709)")),
            ("marcxml", _("MARCXML")),
        ],
        initial="auto",
    )
    branch = forms.ModelChoiceField(
        label=_("Branch for copies without a known branch"), queryset=Branch.objects.none(),
        required=False, empty_label=_("None: report them"),
    )

    def __init__(self, *args: Any, branches, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Branch]", self.fields["branch"]).queryset = branches
