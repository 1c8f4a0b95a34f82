"""What the programmes app records in the history: events and their dates, registrations and
the waiting list, attendance, contest entries and feedback.

Every entry about an event carries the programme's `audience` (its age bands in the order
of `Audience`, joined by commas: "0-5,6-11"; "all" when it is for all ages) and `format`,
and, about a person, their age: a patron's `age` in whole years from their date of birth,
else the age group recorded for them (`age_band`: a guest's, a walk-in count's). Entries
about attendance name the date (`programs.occurrence`), the others the registration, the
event or the entry they concern.

People present at a date add up over ATTENDANCE: a check-in is +1, an undone check-in -1,
and a walk-in count is one entry whose `quantity` is the number of people. A walk-in count
corrected later is a new entry with the difference (negative when fewer people came than
first counted) rather than a kind of its own, so that every sum over the roll-ups, by day,
branch, age group or format, is the number of people present without a report having to
know about corrections.

`use=True` marks a patron using the programmes service: registering for an event or a date
(REGISTERED, and WAITLISTED, which asks for a place the way a hold asks for a copy),
attending it (CHECKED_IN, and WALK_INS for the people counted at the door, who name nobody
and so count in no figure of distinct users), and sending an entry to a contest or reading
activity (ENTRY_SUBMITTED). A promotion from the waiting list, a reminder, a cancellation,
a no-show and feedback are things that happen to a use already counted, or its absence.

HELD counts a date of a programme as held, on the day it took place, once it is over
(programs.census, a scheduled job): the programmes of a period (IMLS counts each session of
a synchronous programme: events, not reading activities or contests, and not recorded
ones). A date cancelled after it was counted is taken back by a HELD of -1."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

programs = Domain("programs", _("Programmes and events"))

# Registrations (codes of the former registration events).
REGISTERED = programs.kind("registered", pgettext_lazy("history", "Registered for an event"), use=True)
WAITLISTED = programs.kind(
    "waitlisted", pgettext_lazy("history", "Put on an event's waiting list"), use=True
)
PROMOTED = programs.kind(
    "promoted", pgettext_lazy("history", "Moved from the waiting list to a place")
)
CANCELLED = programs.kind("cancelled", pgettext_lazy("history", "Event registration cancelled"))
REMINDED = programs.kind("reminded", pgettext_lazy("history", "Event reminder sent"))
NO_SHOW = programs.kind("no_show", pgettext_lazy("history", "Did not come to an event"))

# Attendance (codes of the former attendance events).
CHECKED_IN = programs.kind("checked_in", pgettext_lazy("history", "Checked in at an event"), use=True)
CHECK_IN_UNDONE = programs.kind(
    "check_in_undone", pgettext_lazy("history", "Check-in at an event undone")
)
WALK_INS = programs.kind("walk_ins", pgettext_lazy("history", "Walk-ins counted"), use=True)
CLOSED = programs.kind("closed", pgettext_lazy("history", "Attendance closed"))
HELD = programs.kind("held", pgettext_lazy("history", "Date of an event held"))

# Events, their dates and the network's rules.
EVENT_CREATED = programs.kind("event_created", pgettext_lazy("history", "Event created"))
EVENT_CHANGED = programs.kind("event_changed", pgettext_lazy("history", "Event changed"))
DATE_CHANGED = programs.kind("date_changed", pgettext_lazy("history", "Date of an event moved"))
DATE_CANCELLED = programs.kind(
    "date_cancelled", pgettext_lazy("history", "Date of an event cancelled")
)
CAPACITY_CHANGED = programs.kind(
    "capacity_changed", pgettext_lazy("history", "Places at an event changed")
)
POLICY_SAVED = programs.kind("policy_saved", pgettext_lazy("history", "Rules for events saved"))
CATEGORY_SAVED = programs.kind(
    "category_saved", pgettext_lazy("history", "Event category saved")
)

# Contests, reading activities and feedback.
ENTRY_SUBMITTED = programs.kind(
    "entry_submitted", pgettext_lazy("history", "Contest entry sent"), use=True
)
RESULT_RECORDED = programs.kind(
    "result_recorded", pgettext_lazy("history", "Contest result recorded")
)
FEEDBACK_LEFT = programs.kind("feedback_left", pgettext_lazy("history", "Event feedback left"))

# Their quantities add up to the people present.
ATTENDANCE = (CHECKED_IN, CHECK_IN_UNDONE, WALK_INS)
