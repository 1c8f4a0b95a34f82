"""Messages to the person a booking is for, in their language, sent after the transaction
commits (a rolled-back booking sends nothing)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from bibliohub.mail.messages import send_message
from bibliohub.spaces.models import Booking

log = logging.getLogger(__name__)


def recipient(booking: Booking) -> tuple[str, str]:
    """The address and language to write to: the patron's, else the group's contact."""
    if booking.patron is not None and booking.patron.email:
        return booking.patron.email, booking.patron.language
    return booking.contact_email, booking.language or settings.LANGUAGE_CODE


def notify(booking: Booking, what: str) -> None:
    """Queue the `what` message (confirmed, requested, approved, declined, cancelled,
    reminder, released) for after the commit."""
    to, language = recipient(booking)
    if not to:
        return
    context = {"booking": booking, "what": what, "resource": booking.resource}

    def send() -> None:
        try:
            send_message("spaces/email/booking", context, to=to, language=language)
        except Exception:  # a mail server down must not undo a booking already committed
            log.exception("booking %s: %s message to %s not sent", booking.pk, what, to)

    transaction.on_commit(send)
