"""Why an answer, a response or a change to a survey was refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class SurveyReason(Reasons):
    # Answering.
    NOT_OPEN = "not_open", _("This survey is not open for answers at the moment.")
    SIGN_IN = "sign_in", _("Please sign in to your library account to answer this survey.")
    ALREADY_ANSWERED = "already_answered", _("You have already answered this survey. Thank you!")
    INVITATION_NEEDED = (
        "invitation_needed", _("This survey is answered by invitation: use the link you were sent.")
    )
    INVITATION_USED = "invitation_used", _("This invitation link has already been used.")
    QUOTA_FULL = (
        "quota_full",
        _("We already have all the answers we need from your group. Thank you for your time!"),
    )
    TOO_MANY = (
        "too_many",
        _("Many answers have been sent from here in a short time. Your answers are kept: "
          "please send them again in a few minutes."),
    )
    # One answer.
    REQUIRED = "required", _("Please answer this question.")
    NOT_A_CHOICE = "not_a_choice", _("Choose one of the options offered.")
    OTHER_EMPTY = "other_empty", _("Say what “other” is, or choose another option.")
    NOT_A_NUMBER = "not_a_number", _("Enter a number, for example 3.")
    OUT_OF_RANGE = "out_of_range", _("Choose a value within the scale.")
    NOT_A_DATE = "not_a_date", _("Enter a date as year-month-day, for example 2027-03-15.")
    TOO_LONG = "too_long", _("This answer is too long.")
    ROWS_MISSING = "rows_missing", _("Please answer every line.")
    # Building.
    BAD_CODE = (
        "bad_code", _("Write the code in small letters, digits and underscores, starting with a letter.")
    )
    CODE_TAKEN = "code_taken", _("Another question of this survey has this code.")
    NO_TEXT = "no_text", _("Write the question in the survey's main language.")
    NO_OPTIONS = "no_options", _("Give at least two options.")
    BAD_CONDITION = (
        "bad_condition", _("A question can only depend on an earlier question with options.")
    )
    BAD_SCALE = "bad_scale", _("The highest value must be above the lowest.")
    SLUG_TAKEN = "slug_taken", _("Another survey has this web address.")
    BAD_DATES = "bad_dates", _("The survey must close after it opens.")
    UNKNOWN_LANGUAGE = "unknown_language", _("Choose languages the library offers.")
    EMPTY = "empty", _("Add a question before opening the survey.")


class SurveyRefused(Refused):
    """Answers or a change refused, with every reason (keyed by question code or field)."""

    reasons: list[SurveyReason]
