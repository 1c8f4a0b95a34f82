"""What the protocol servers record in the history: changes to the self-check terminal
accounts (what each SIP2 machine logs in with, where it stands). What a terminal does is
recorded by the services it calls, as the terminal."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

interop = Domain("interop", _("Self-check and protocols"))

TERMINAL_SAVED = interop.kind(
    "terminal_saved", pgettext_lazy("history", "Self-check terminal saved")
)
TERMINAL_DELETED = interop.kind(
    "terminal_deleted", pgettext_lazy("history", "Self-check terminal deleted")
)
# Copy cataloguing targets (the records copied are recorded by the catalogue, as imports).
COPY_TARGET_SAVED = interop.kind(
    "copy_target_saved", pgettext_lazy("history", "Copy cataloguing target saved")
)
COPY_TARGET_DELETED = interop.kind(
    "copy_target_deleted", pgettext_lazy("history", "Copy cataloguing target deleted")
)
