"""What the libraries app records in the history: the network's branches, shelving
locations and calendar (the opening-hours history that "public hours a week" is read from)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

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
