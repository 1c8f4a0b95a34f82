"""Why the outbox refuses a change."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class Reason(Reasons):
    ALREADY_SENT = "already_sent", _("This e-mail has already been sent; it is not sent twice.")
    BEING_SENT = "being_sent", _("This e-mail is being sent right now.")


class MailRefused(Refused):
    pass
