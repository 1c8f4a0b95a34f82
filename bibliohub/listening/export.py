"""The staff list as CSV and XLSX: the facts of each item, for the branch's figures. The
text, the answer and the contact stay on the screens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.listening.models import Feedback
from bibliohub.web.spreadsheets import Cell, Table


def _row(item: Feedback) -> list[Cell]:
    assignee = item.assignee
    return [
        item.number,
        item.received_at,
        item.get_kind_display(),
        item.get_topic_display(),
        item.branch.display_name(),
        item.get_channel_display(),
        item.get_state_display(),
        item.deadline,
        (assignee.get_full_name() or assignee.username) if assignee is not None else "",
        item.answered_at,
        item.closed_at,
        item.reopened,
    ]


TABLE = Table(
    name=_("Complaints, suggestions and thanks"),
    columns=[
        _("Number"), _("Received"), _("Kind"), _("Topic"), _("Branch"), _("How it was received"),
        _("Status"), _("Answer due"), _("Assigned to"), _("Answered on"), _("Closed on"),
        _("Times reopened"),
    ],
    row=_row,
)
