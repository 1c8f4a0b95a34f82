"""Why a complaint, suggestion or thanks (or a step in handling one) was refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class FeedbackReason(Reasons):
    # What someone typed or sent.
    EMPTY_TEXT = "empty_text", _("Please tell us what it is about.")
    ATTACHMENT_TOO_LARGE = "attachment_too_large", _("The attachment is too large.")
    ATTACHMENT_TYPE = (
        "attachment_type",
        _("Attach a photo (JPEG or PNG) or a PDF document; other files cannot be accepted."),
    )
    UNKNOWN_LANGUAGE = "unknown_language", _("Choose one of the languages offered.")
    TOO_MANY = (
        "too_many",
        _("Too many messages have been sent from here. Please try again in an hour."),
    )
    # Handling.
    WRONG_STATE = "wrong_state", _("This cannot be done at this stage.")
    NOT_STAFF_OF_BRANCH = (
        "assignee_not_of_branch",
        _("Assign it to a member of staff who works for this branch."),
    )
    EMPTY_ANSWER = "empty_answer", _("Write the answer first.")
    NOT_ANSWERED = "not_answered", _("Answer it before closing: the person left a contact.")
    EMPTY_SUMMARY = "empty_summary", _("Write a public summary to publish.")


class FeedbackRefused(Refused):
    """A submission or a handling step refused, with every reason."""

    reasons: list[FeedbackReason]
