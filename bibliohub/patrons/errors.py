"""Machine-readable reasons: why a patron cannot borrow now, and why a patron service refused.
Each interface (desk screen, API, SIP2) turns the code into its own message; `message` is the
default wording, translated into the language active at the time it is read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from bibliohub.refusals import Reasons, Refused


class BlockReason(Reasons):
    """Why a patron may not borrow, renew or place holds. The last two come from loans and
    fines, which circulation owns (see circulation.selectors.blocks_for)."""

    PENDING = "pending", _("The registration has not been confirmed by the library yet.")
    CARD_EXPIRED = "card_expired", _("The library card has expired.")
    MANUAL_BLOCK = "manual_block", _("The library has blocked this card.")
    FINES_OVER_LIMIT = "fines_over_limit", _("The fines owed are over the limit.")
    OVERDUE_ITEMS = "overdue_items", _("The patron has overdue items.")


class ErasureRefusal(Reasons):
    """Why a patron cannot be erased yet."""

    GUARDIAN_OF_ACTIVE_CHILD = (
        "guardian_of_active_child",
        _("This patron is the guardian of a child with an active card."),
    )
    OPEN_LOANS = "open_loans", _("This patron still has items on loan.")
    UNPAID_FINES = "unpaid_fines", _("This patron still owes fines.")


class PatronError(Exception):
    """Base of the refusals raised by patron services."""


class InvalidPatronData(PatronError):
    """The details given for a patron are not acceptable. `errors` maps a field name (or
    "__all__") to its messages, as Django forms do, so a form can show them in place."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {field: [str(m) for m in messages] for field, messages in errors.items()}
        super().__init__("; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items()))


class NotPending(PatronError):
    """Only a registration waiting for confirmation can be confirmed."""

    def __init__(self) -> None:
        super().__init__(str(_("This registration has already been confirmed.")))


class NotActive(PatronError):
    """The action needs a confirmed patron (renewing a card that was never issued)."""

    def __init__(self) -> None:
        super().__init__(str(_("The registration has not been confirmed yet.")))


class BlockAlreadyLifted(PatronError):
    def __init__(self) -> None:
        super().__init__(str(_("This block has already been lifted.")))


class ErasureRefused(Refused, PatronError):
    """Carries every reason at once (bibliohub.refusals.Refused), so staff can settle them all
    before trying again."""

    reasons: list[ErasureRefusal]
