"""The staff list of suggestions as CSV and XLSX: what acquisitions works from. The
patron's name and the reason given stay on the screens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.demand.models import Suggestion
from bibliohub.search.languages import language_name
from bibliohub.web.spreadsheets import Cell, Table


def _row(suggestion: Suggestion) -> list[Cell]:
    return [
        suggestion.pk,
        suggestion.created_at,
        suggestion.title,
        suggestion.author,
        suggestion.isbn,
        suggestion.get_format_display(),
        language_name(suggestion.language) if suggestion.language else "",
        suggestion.branch.display_name(),
        suggestion.get_channel_display(),
        suggestion.get_state_display(),
        suggestion.get_decline_reason_display() if suggestion.decline_reason else "",
        suggestion.changed_at,
        suggestion.record_id,
    ]


TABLE = Table(
    name=_("Purchase suggestions"),
    columns=[
        _("Number"), _("Suggested"), _("Title"), _("Author"), _("ISBN"),
        pgettext_lazy("of the material", "Format"), pgettext_lazy("of the material", "Language"),
        _("Branch"), _("Channel"), _("Status"), _("Reason for declining"), _("Last changed"),
        _("Title in the catalogue"),
    ],
    row=_row,
)
