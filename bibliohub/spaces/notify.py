"""Messages to the person a booking is for, in their language, sent after the transaction
commits (a rolled-back booking sends nothing)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from bibliohub.history import Actor
from bibliohub.mail import services as mail
from bibliohub.spaces.models import Booking


def recipient(booking: Booking) -> tuple[str, str]:
    """The address and language to write to: the patron's, else the group's contact."""
    if booking.patron is not None and booking.patron.email:
        return booking.patron.email, booking.patron.language
    return booking.contact_email, booking.language or settings.LANGUAGE_CODE


def notify(booking: Booking, what: str, *, actor: Actor, at: datetime) -> None:
    """Write the `what` message (confirmed, requested, approved, declined, cancelled,
    reminder, released) to the outbox in the caller's transaction: it is sent once that
    commits, and never if it rolls back."""
    to, language = recipient(booking)
    if not to:
        return
    context = {"booking": booking, "what": what, "resource": booking.resource}
    mail.queue("spaces/email/booking", context, to=to, language=language, at=at, actor=actor,
               branch=booking.resource.branch, patron=booking.patron)
