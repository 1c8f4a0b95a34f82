"""Machine-readable reasons why circulation refused something. A refusal carries every reason
that applies at once, so the desk can settle them all (or override them) in one go. Each
interface turns the codes into its own words: `message` is the default wording, in the
language active when it is read; the SIP2 server and the API send the code as well."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from bibliohub import refusals
from bibliohub.patrons.errors import BlockReason


class RefusalReason(refusals.Reasons):
    # The patron.
    PATRON_BLOCKED_PENDING = (
        "patron_blocked_pending",
        _("The registration has not been confirmed by the library yet."),
    )
    PATRON_BLOCKED_MANUAL = "patron_blocked_manual", _("The library has blocked this card.")
    CARD_EXPIRED = "card_expired", _("The library card has expired.")
    FINES_OVER_LIMIT = "fines_over_limit", _("The fines owed are over the limit.")
    OVERDUE = "overdue", _("The patron has overdue items.")
    LOAN_LIMIT = "loan_limit", _("The patron has reached the maximum number of loans.")
    TYPE_LIMIT = "type_limit", _("The patron has reached the maximum loans of this item type.")
    OUTSIDE_BORROWING_WINDOW = (
        "outside_borrowing_window",
        _("Borrowing is closed at this time of the school term."),
    )
    # The item.
    NOT_LOANABLE = "not_loanable", _("This item is not for loan.")
    ITEM_NOT_AVAILABLE = (
        "item_not_available",
        _("This item cannot be lent in its present status (lost, missing, in transit…)."),
    )
    ITEM_ALREADY_ON_LOAN = "item_already_on_loan", _("This item is already on loan.")
    ITEM_ON_HOLD_FOR_ANOTHER = (
        "item_on_hold_for_another",
        _("This item is set aside for another reader's hold."),
    )
    # Renewals.
    NOT_ON_LOAN = "not_on_loan", _("This loan has already ended.")
    NO_RENEWALS_LEFT = "no_renewals_left", _("No renewals are left on this loan.")
    TOO_SOON = (
        "too_soon",
        _("It is too soon to renew this item: renewing it now would not move its due date."),
    )
    HOLD_WAITING = "hold_waiting", _("Another reader is waiting for this item.")
    # Holds.
    HOLDS_NOT_ALLOWED = "holds_not_allowed", _("Holds are not allowed on this item.")
    ALREADY_HELD = "already_held", _("The patron already has a hold on this title.")
    ALREADY_ON_LOAN_TO_PATRON = (
        "already_on_loan_to_patron",
        _("The patron already has this title on loan."),
    )
    NO_HOLDABLE_COPY = "no_holdable_copy", _("No copy of this title can be held.")
    NO_RULE = "no_rule", _("No circulation rule applies. Add a default rule.")

    @property
    def overridable(self) -> bool:
        """Whether staff may lend (or renew, or place the hold) anyway, with a reason. What
        is physically impossible (a copy already lent, a loan already ended, no rule to set a
        due date, a renewal that would not move the due date) cannot be overridden; policy
        can."""
        return self not in NOT_OVERRIDABLE


NOT_OVERRIDABLE = frozenset(
    {
        RefusalReason.ITEM_ALREADY_ON_LOAN,
        RefusalReason.ITEM_NOT_AVAILABLE,
        RefusalReason.NOT_ON_LOAN,
        RefusalReason.NOT_LOANABLE,
        RefusalReason.TOO_SOON,
        RefusalReason.ALREADY_HELD,
        RefusalReason.NO_HOLDABLE_COPY,
        RefusalReason.NO_RULE,
    }
)

# The patron blocks (bibliohub.patrons) as refusal reasons, and back.
FROM_BLOCK = {
    BlockReason.PENDING: RefusalReason.PATRON_BLOCKED_PENDING,
    BlockReason.CARD_EXPIRED: RefusalReason.CARD_EXPIRED,
    BlockReason.MANUAL_BLOCK: RefusalReason.PATRON_BLOCKED_MANUAL,
    BlockReason.FINES_OVER_LIMIT: RefusalReason.FINES_OVER_LIMIT,
    BlockReason.OVERDUE_ITEMS: RefusalReason.OVERDUE,
}
TO_BLOCK = {reason: block for block, reason in FROM_BLOCK.items()}


class CirculationError(Exception):
    """Base of what circulation services raise."""


class Refused(refusals.Refused, CirculationError):
    """A circulation refusal with every reason (bibliohub.refusals.Refused). `action` says
    what was refused; `record_id` is the title concerned, so that a caller refused with
    ITEM_ALREADY_ON_LOAN can offer to place a hold on it."""

    action = ""
    reasons: list[RefusalReason]

    def __init__(self, reasons: Sequence[RefusalReason], *, record_id: int | None = None) -> None:
        super().__init__(reasons)
        self.record_id = record_id

    @property
    def hold_possible(self) -> bool:
        """The item is out: the patron can place a hold on the title instead."""
        return RefusalReason.ITEM_ALREADY_ON_LOAN in self.reasons and self.record_id is not None


class CheckoutRefused(Refused):
    action = "checkout"


class RenewalRefused(Refused):
    action = "renew"


class HoldRefused(Refused):
    action = "hold"


class OverrideNotAllowed(CirculationError):
    """An override from a terminal, without a reason, or of a reason that cannot be
    overridden."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InvalidOperation(CirculationError):
    """The operation does not fit the state of things (checking in an item that is not
    out, paying more than is owed, waiving a settled fine…); the message says what."""
