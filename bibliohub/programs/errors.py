"""Refusals with machine-readable reasons; each interface words them in its own language."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class Reason(Reasons):
    NO_REGISTRATION = "no_registration", _("This event needs no registration: just come.")
    NOT_PUBLISHED = "not_published", _("This event is not open to the public.")
    CANCELLED = "cancelled", _("This date is cancelled.")
    NOT_YET_OPEN = "not_yet_open", _("Registration has not opened yet.")
    CLOSED = "closed", _("Registration has closed.")
    FULL = "full", _("All places are taken.")
    ALREADY_REGISTERED = "already_registered", _("This person is already registered.")
    NO_SHOW_PAUSE = "no_show_pause", _(
        "Registration is paused after several missed events. Please ask at the library."
    )
    WRONG_MODE = "wrong_mode", _("Register for the whole series, not for one date.")
    NOT_A_CONTEST = "not_a_contest", _("This event does not take entries.")
    ENTRIES_CLOSED = "entries_closed", _("Entries have closed.")
    EMPTY_ENTRY = "empty_entry", _("Write your entry or attach a file.")
    NOT_ATTENDED = "not_attended", _("Feedback is for people who came.")
    NOT_FINISHED = "not_finished", _("Feedback opens after the event.")
    BAD_RECURRENCE = "bad_recurrence", _("The repeat rule is not valid.")
    ROOM_TAKEN = "room_taken", _("The room cannot be booked for this time.")


class ProgramRefused(Refused):
    """Every reason an action on an event was refused (bibliohub.refusals.Refused); `detail`
    says more where a reason needs it (the rule that could not be read, the dates the room is
    taken), for staff."""

    reasons: list[Reason]

    def __init__(self, reasons: Sequence[Reason], detail: str = "") -> None:
        super().__init__(reasons)
        self.detail = detail


class RegistrationRefused(ProgramRefused):
    pass
