"""What the complaints and suggestions app records in the history. Entries carry the
item's kind, topic and states as codes, never the text, the answer or the contact."""

from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

listening = Domain("listening", pgettext_lazy("history domain", "Complaints and suggestions"))

SUBMITTED = listening.kind(
    "submitted", pgettext_lazy("history", "Complaint, suggestion or thanks received")
)
ACKNOWLEDGED = listening.kind("acknowledged", pgettext_lazy("history", "Receipt acknowledged"))
ASSESSED = listening.kind("assessed", pgettext_lazy("history", "Complaint or suggestion assessed"))
ASSIGNED = listening.kind("assigned", pgettext_lazy("history", "Complaint or suggestion assigned"))
ANSWERED = listening.kind("answered", pgettext_lazy("history", "Complaint or suggestion answered"))
CLOSED = listening.kind("closed", pgettext_lazy("history", "Complaint or suggestion closed"))
REOPENED = listening.kind("reopened", pgettext_lazy("history", "Complaint or suggestion reopened"))
PUBLISHED = listening.kind(
    "published", pgettext_lazy("history", "“You said, we did” summary changed")
)
OVERDUE_WARNED = listening.kind(
    "overdue_warned", pgettext_lazy("history", "Overdue complaint or suggestion reported")
)
SETTINGS_SAVED = listening.kind(
    "settings_saved", pgettext_lazy("history", "Complaint handling settings saved")
)
CONTACT_ERASED = listening.kind(
    "contact_erased",
    pgettext_lazy("history", "Contact details removed from a complaint or suggestion"),
)
