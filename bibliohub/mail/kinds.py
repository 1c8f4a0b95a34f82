"""What the mail app records in the history: a message written, sent, failed for good, sent
again by staff. The detail names the message by id and kind, never its address or text."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history import Domain

mail = Domain("mail", _("E-mail"))

QUEUED = mail.kind("queued", pgettext_lazy("history", "E-mail written to the outbox"))
SENT = mail.kind("sent", pgettext_lazy("history", "E-mail sent"))
FAILED = mail.kind("failed", pgettext_lazy("history", "E-mail could not be sent"))
RESENT = mail.kind("resent", pgettext_lazy("history", "E-mail queued again by staff"))
