"""Machine-readable reasons why a booking was refused. A refusal carries every reason that
applies at once; each interface turns the codes into its own words (`message` is the default
wording in the language active when it is read; the API and the programmes app keep the
code)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class BookingReason(Reasons):
    # The time asked for.
    INVALID_TIMES = "invalid_times", _("The booking must end after it starts.")
    NOT_ON_SLOT = "not_on_slot", _("Bookings start and end on the room's time slots.")
    IN_THE_PAST = "in_the_past", _("This time has already passed.")
    TOO_FAR_AHEAD = "too_far_ahead", _("This is further ahead than bookings are open.")
    TOO_LONG = "too_long", _("This is longer than the longest booking allowed.")
    BRANCH_CLOSED = "branch_closed", _("The library is closed that day.")
    OUTSIDE_OPENING_HOURS = (
        "outside_opening_hours",
        _("The booking must fall within the library's opening hours."),
    )
    CONFLICT = "conflict", _("Someone has already booked this time.")
    # The room or equipment.
    NOT_BOOKABLE = "not_bookable", _("This room or equipment cannot be booked now.")
    STAFF_ONLY = "staff_only", _("Only library staff can book this room.")
    OVER_CAPACITY = "over_capacity", _("There are more people than the room holds.")
    # The person.
    NO_HOLDER = "no_holder", _("Say who the booking is for: a patron or a group.")
    PATRON_BLOCKED = "patron_blocked", _("The library card cannot be used at the moment.")
    DAILY_LIMIT = "daily_limit", _("This goes over the time a patron may book in one day.")
    WEEKLY_LIMIT = "weekly_limit", _("This goes over the time a patron may book in one week.")

    @property
    def overridable(self) -> bool:
        """Whether staff may book anyway. Policy (limits, horizon, length, a blocked card)
        can be overridden; what would double-book a room or put people in a closed
        building cannot."""
        return self in OVERRIDABLE


OVERRIDABLE = frozenset(
    {
        BookingReason.TOO_FAR_AHEAD,
        BookingReason.TOO_LONG,
        BookingReason.NOT_ON_SLOT,
        BookingReason.PATRON_BLOCKED,
        BookingReason.DAILY_LIMIT,
        BookingReason.WEEKLY_LIMIT,
        BookingReason.OVER_CAPACITY,
    }
)


class SpacesError(Exception):
    """Base of what the spaces services raise."""


class BookingRefused(Refused, SpacesError):
    """A booking (or a change to one) refused, with every reason (bibliohub.refusals.Refused)."""

    reasons: list[BookingReason]


class InvalidOperation(SpacesError):
    """The operation does not fit the booking's state (approving a cancelled booking,
    checking in twice); the message says what."""
