"""What the daily record book records in the history: each count entered for a day (the
count, or a correction: the difference from what was entered before, so that the day's
entries always add up to its count), each count a gate counter reports (likewise), each
change to a yearly figure, and the gate counters set up.

Counts count for the day they were made on, whenever they were entered (`day`): the visits
of the 3rd typed in on the 5th belong to the 3rd."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.daybook.models import Measure
from bibliohub.history import Domain

daybook = Domain("daybook", _("Daily record book"))

VISITS = daybook.kind("visits", pgettext_lazy("history", "Visits entered"))
GATE_VISITS = daybook.kind(
    "gate_visits", pgettext_lazy("history", "Visits counted by a gate counter")
)
REFERENCE_QUESTIONS = daybook.kind(
    "reference_questions", pgettext_lazy("history", "Reference questions entered")
)
COMPUTER_SESSIONS = daybook.kind(
    "computer_sessions", pgettext_lazy("history", "Public computer sessions entered")
)
WIFI_SESSIONS = daybook.kind("wifi_sessions", pgettext_lazy("history", "Wi-Fi sessions entered"))
FIGURE_SET = daybook.kind("figure_set", pgettext_lazy("history", "Yearly figure entered"))
COUNTER_SAVED = daybook.kind("counter_saved", pgettext_lazy("history", "Gate counter saved"))
COUNTER_TOKEN = daybook.kind(
    "counter_token", pgettext_lazy("history", "Gate counter given a new token")
)

# The kind each measure's counts are recorded as.
MEASURE_KINDS = {
    Measure.VISITS: VISITS,
    Measure.REFERENCE_QUESTIONS: REFERENCE_QUESTIONS,
    Measure.COMPUTER_SESSIONS: COMPUTER_SESSIONS,
    Measure.WIFI_SESSIONS: WIFI_SESSIONS,
}
