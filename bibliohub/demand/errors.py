"""Why a purchase suggestion, a title request or a step in handling one was refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class DemandReason(Reasons):
    # What someone typed.
    NO_TITLE = "no_title", _("Give the title, or an ISBN.")
    NOTHING_ASKED = "nothing_asked", _("Give an ISBN, or the title and author asked for.")
    ISBN_LENGTH = "isbn_length", _("An ISBN has 10 or 13 digits.")
    ISBN_FORMAT = "isbn_format", _("An ISBN holds only digits (and X at the end of an ISBN-10).")
    ISBN_CHECKSUM = (
        "isbn_checksum", _("This ISBN's last digit does not match: check it for a typing error.")
    )
    ISBN_PREFIX = "isbn_prefix", _("This is not an ISBN (an ISBN-13 starts with 978 or 979).")
    UNKNOWN_FORMAT = "unknown_format", _("Choose one of the formats offered.")
    NO_DECLINE_REASON = "no_decline_reason", _("Say why the suggestion is declined.")
    # Handling.
    WRONG_STATE = "wrong_state", _("This cannot be done at this stage.")


class DemandRefused(Refused):
    """A suggestion, a request or a handling step refused, with every reason."""

    reasons: list[DemandReason]
