"""Machine-readable reasons why a change to a programme or a SWOT analysis was refused. A
refusal carries every reason that applies; each interface words them for its reader
(`message` is the default wording in the active language, with the figures of the case
when it has some, such as the size limit of a file)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class Reason(Reasons):
    PROGRAMME_CLOSED = "programme_closed", _("The programme is closed: reopen it to change it.")
    NOT_ADOPTED = "not_adopted", _("Put the programme in force before publishing it.")
    NOT_A_DRAFT = "not_a_draft", _("Only a draft programme can be deleted.")
    OTHER_PROGRAMME = "other_programme", _("That belongs to another programme.")
    OTHER_NETWORK = "other_network", _("That belongs to another library network.")
    DATES_OUTSIDE = "dates_outside", _("The dates fall outside the programme's period.")
    DATES_AND_MONTHS = (
        "dates_and_months",
        _("Give either a start and a due date or the months of a monthly schedule, not both."),
    )
    DUE_BEFORE_START = "due_before_start", _("The due date comes before the start.")
    UNKNOWN_INDICATOR = "unknown_indicator", _("No indicator has this code.")
    NO_INDICATOR = "no_indicator", _("Choose at least one indicator.")
    TARGET_NEEDED = "target_needed", _("Give the level to reach or to stay under.")
    SWOT_EXISTS = "swot_exists", _("There is already a SWOT analysis for that year.")
    FILE_EMPTY = "file_empty", _("The file is empty.")
    FILE_TYPE = (
        "file_type",
        _("This type of file cannot be attached: photos (JPEG, PNG, WebP, GIF), videos (MP4, "
          "WebM) and documents (PDF, Word, Excel, PowerPoint, OpenDocument, plain text) can."),
    )
    FILE_TOO_LARGE = "file_too_large", _("The file is too large.")
    BAD_LINK = "bad_link", _("A link must start with http:// or https://.")
    NOTHING_TO_RECORD = (
        "nothing_to_record",
        _("Say what was done, or attach a photo, a video, a document or a link."),
    )


class PlanningRefused(Refused):
    """A change to a programme or a SWOT analysis that cannot be made, with every reason."""

    def __init__(self, reasons: Iterable[Reason], *, message: str | None = None, **context: Any) -> None:
        super().__init__(reasons, message=message)
        self.context = context
