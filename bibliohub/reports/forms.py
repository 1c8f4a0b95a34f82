"""The staff page's choice of a report: which document, for which year and scope, in which
format and language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.libraries.models import Branch
from bibliohub.reports import statutory

ANNUAL = "annual"
NETWORK = "network"
PAGE = "page"


def document_choices() -> list[tuple[str, Any]]:
    return [(ANNUAL, _("Annual report"))] + [
        (form.code, f"{form.title} ({form.version})") for form in statutory.forms().values()
    ]


class ReportChoice(forms.Form):
    document = forms.ChoiceField(label=pgettext_lazy("report", "Document"))
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    scope = forms.ChoiceField(label=_("For"))
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("pdf", _("PDF (annual report only)")),
            ("xlsx", _("Spreadsheet (XLSX)")),
            ("csv", _("CSV")),
            (PAGE, _("On a page (statutory forms only)")),
        ],
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, branches: Sequence[Branch], network: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["document"]).choices = document_choices()
        scopes: list[tuple[str, Any]] = [(NETWORK, _("The whole network"))] if network else []
        scopes += [(b.code, b.display_name()) for b in branches]
        cast(forms.ChoiceField, self.fields["scope"]).choices = scopes

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        document, fmt = data.get("document"), data.get("fmt")
        if document == ANNUAL and fmt == PAGE:
            self.add_error("fmt", _("The annual report is downloaded as PDF, XLSX or CSV."))
        if document and document != ANNUAL and fmt == "pdf":
            self.add_error("fmt", _("A statutory form is shown on a page or downloaded as XLSX or CSV."))
        return data
