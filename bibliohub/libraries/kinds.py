"""What the libraries app records in the history: the network's branches, shelving
locations and calendar (the opening-hours history that "public hours a week" is read from),
and the hours each branch was open each day (HOURS_OPEN, counted by a scheduled job once the
day is over, from the regular week then in force and that day's dated changes: hours open
in any period are the sum of its days)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain
from bibliohub.history.kinds import Unit

libraries = Domain("libraries", _("Branches and opening hours"))

HOURS_SET = libraries.kind("hours_set", pgettext_lazy("history", "Regular hours changed"))
EXCEPTION_ADDED = libraries.kind(
    "exception_added", pgettext_lazy("history", "Dated change to the hours added")
)
EXCEPTION_REMOVED = libraries.kind(
    "exception_removed", pgettext_lazy("history", "Dated change to the hours removed")
)
NETWORK_SAVED = libraries.kind("network_saved", pgettext_lazy("history", "Network details saved"))
BRANCH_SAVED = libraries.kind("branch_saved", pgettext_lazy("history", "Branch details saved"))
LOCATION_SAVED = libraries.kind(
    "location_saved", pgettext_lazy("history", "Shelving location saved")
)
LOCATION_DELETED = libraries.kind(
    "location_deleted", pgettext_lazy("history", "Shelving location deleted")
)
HOURS_OPEN = libraries.kind(
    "hours_open", pgettext_lazy("history", "Hours open in a day counted"), unit=Unit.HOURS,
    census=True,
)
