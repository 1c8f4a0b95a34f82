"""Machine-readable reasons why a community action was refused. A refusal carries every reason
that applies; each interface turns the codes into its own words (`message` is the default
wording in the active language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class Reason(Reasons):
    NO_CONSENT = "no_consent", _("The volunteer has not agreed to the library keeping their details.")
    VOLUNTEER_INACTIVE = "volunteer_inactive", _("The volunteer is no longer active.")
    SHIFT_CANCELLED = "shift_cancelled", _("The shift has been cancelled.")
    SHIFT_OVER = "shift_over", _("The shift has already started.")
    SHIFT_FULL = "shift_full", _("The shift has all the volunteers it needs.")
    ALREADY_SIGNED_UP = "already_signed_up", _("The volunteer is already signed up for this shift.")
    NOT_SIGNED_UP = "not_signed_up", _("This sign-up has already been cancelled.")
    ALREADY_DECIDED = "already_decided", _("These hours have already been confirmed or refused.")
    IN_THE_FUTURE = "in_the_future", _("Hours cannot be logged for a day that has not come.")
    MENTOR_NOT_LISTED = "mentor_not_listed", _("This mentor is not in the public directory.")
    MENTOR_NOT_TAKING_REQUESTS = (
        "mentor_not_taking_requests",
        _("This mentor is not taking requests at the moment."),
    )
    MENTOR_INACTIVE = "mentor_inactive", _("This mentor is no longer in the database.")
    REQUEST_NOT_MATCHED = "request_not_matched", _("Arrange an appointment first.")
    REQUEST_FINISHED = "request_finished", _("This request is already finished.")
    OTHER_NETWORK = "other_network", _("This belongs to another library network.")


class CommunityRefused(Refused):
    """A community action refused, with every reason (bibliohub.refusals.Refused)."""

    reasons: list[Reason]
