"""What the indicators' screens record in the history: targets and baselines set and
removed (closing periods and the settings of indicators are the history's own entries)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

measures = Domain("measures", _("Indicators and targets"))

TARGET_SET = measures.kind("target_set", pgettext_lazy("history", "Target of an indicator set"))
TARGET_REMOVED = measures.kind(
    "target_removed", pgettext_lazy("history", "Target of an indicator removed")
)
