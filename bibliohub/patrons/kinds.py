"""What the patrons app records in the history: registrations (the new-users figures by
branch, category and age are counted from these), changes to a patron's card, details,
blocks and privacy choices, erasure, and the set-up of categories and notice settings.

None of these is a use of the library's services: registering makes someone a user, it is
not yet using anything, so these entries do not count towards active users."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

patrons = Domain("patrons", _("Patrons"))

# The codes are those of the event table these entries replace: moved rows keep them.
REGISTERED = patrons.kind("registered", pgettext_lazy("history", "Registered with a card"))
SELF_REGISTERED = patrons.kind(
    "self_registered", pgettext_lazy("history", "Registered online, to be confirmed")
)
CONFIRMED = patrons.kind("confirmed", pgettext_lazy("history", "Registration confirmed"))
CARD_RENEWED = patrons.kind("card_renewed", pgettext_lazy("history", "Card renewed"))
DETAILS_CHANGED = patrons.kind("details_changed", pgettext_lazy("history", "Details changed"))
BLOCKED = patrons.kind("blocked", pgettext_lazy("history", "Blocked"))
BLOCK_LIFTED = patrons.kind("block_lifted", pgettext_lazy("history", "Block lifted"))
READING_HISTORY_ON = patrons.kind(
    "reading_history_on", pgettext_lazy("history", "Reading history turned on")
)
READING_HISTORY_OFF = patrons.kind(
    "reading_history_off", pgettext_lazy("history", "Reading history turned off")
)
DATA_EXPORTED = patrons.kind("data_exported", pgettext_lazy("history", "Personal data exported"))
ERASED = patrons.kind("erased", pgettext_lazy("history", "Erased"))
PIN_SET = patrons.kind("pin_set", pgettext_lazy("history", "PIN set"))
CATEGORY_SAVED = patrons.kind("category_saved", pgettext_lazy("history", "Patron category saved"))
CATEGORY_DELETED = patrons.kind(
    "category_deleted", pgettext_lazy("history", "Patron category deleted")
)
NOTICE_POLICY_SAVED = patrons.kind(
    "notice_policy_saved", pgettext_lazy("history", "Notice settings saved")
)
# Guessing PINs: a card locked after too many wrong PINs for it, and a web address or a
# self-check terminal held back after too many wrong PINs from it, whatever the cards.
# Neither the PIN nor the address is recorded.
PIN_LOCKED = patrons.kind("pin_locked", pgettext_lazy("history", "Card locked after wrong PINs"))
PIN_THROTTLED = patrons.kind(
    "pin_throttled", pgettext_lazy("history", "Sign-ins held back after wrong PINs from one place")
)
PIN_POLICY_SAVED = patrons.kind("pin_policy_saved", pgettext_lazy("history", "PIN policy saved"))
