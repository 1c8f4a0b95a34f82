"""What the rooms app records in the history: every booking operation and refusal, and
changes to rooms, equipment and their rules.

An entry about a booking keeps the minutes it spans as its `amount` (unit minutes): minutes
booked (BOOKED, and APPROVED for bookings staff approve), asked for and refused (REFUSED:
unmet demand), released unused, cancelled, checked in. Entries of a patron's booking carry
the patron (age, category, pseudonym); a group's or an event's carry none.

`use=True` marks what is a patron using the rooms service: booking a room or equipment
(BOOKED), asking for one where staff approve (REQUESTED, as a hold is a use of lending), and
turning up for it (CHECKED_IN). Approving, declining, moving, cancelling, releasing and
reminding are things done to a booking, not a new use of the service, and a refusal is
demand that was not met."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain
from bibliohub.history.kinds import Unit

spaces = Domain("spaces", _("Rooms and equipment"))

BOOKED = spaces.kind(
    "booked", pgettext_lazy("history", "Room or equipment booked"), use=True, unit=Unit.MINUTES
)
REQUESTED = spaces.kind(
    "requested", pgettext_lazy("history", "Booking requested"), use=True, unit=Unit.MINUTES
)
APPROVED = spaces.kind("approved", pgettext_lazy("history", "Booking approved"), unit=Unit.MINUTES)
DECLINED = spaces.kind("declined", pgettext_lazy("history", "Booking declined"), unit=Unit.MINUTES)
MOVED = spaces.kind("moved", pgettext_lazy("history", "Booking moved"), unit=Unit.MINUTES)
CANCELLED = spaces.kind(
    "cancelled", pgettext_lazy("history", "Booking cancelled"), unit=Unit.MINUTES
)
CHECKED_IN = spaces.kind(
    "checked_in", pgettext_lazy("history", "Checked in for a booking"), use=True,
    unit=Unit.MINUTES,
)
RETURNED = spaces.kind(
    "returned", pgettext_lazy("history", "Equipment returned or room left"), unit=Unit.MINUTES
)
RELEASED = spaces.kind(
    "released", pgettext_lazy("history", "Unused booking released"), unit=Unit.MINUTES
)
REMINDED = spaces.kind(
    "reminded", pgettext_lazy("history", "Booking reminder sent"), unit=Unit.MINUTES
)
REFUSED = spaces.kind("refused", pgettext_lazy("history", "Booking refused"), unit=Unit.MINUTES)
ROOM_CHANGED = spaces.kind(
    "room_changed", pgettext_lazy("history", "Room or equipment saved")
)
RULE_CHANGED = spaces.kind("rule_changed", pgettext_lazy("history", "Booking rules changed"))
FEATURE_SAVED = spaces.kind(
    "feature_saved", pgettext_lazy("history", "Room or equipment feature saved")
)
TYPE_SAVED = spaces.kind(
    "type_saved", pgettext_lazy("history", "Type of room or equipment saved")
)

# The kinds whose amount is the booking's length, and what "minutes booked" adds up.
BOOKING_KINDS = (
    BOOKED, REQUESTED, APPROVED, DECLINED, MOVED, CANCELLED, CHECKED_IN, RETURNED, RELEASED,
    REMINDED, REFUSED,
)
MINUTES_BOOKED = (BOOKED, APPROVED)
