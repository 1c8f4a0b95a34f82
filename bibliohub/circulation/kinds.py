"""What circulation records in the history: lending and returning, holds, transfers, fines
and payments, every refusal (unmet demand, counted per action), the notices sent and the
changes to the policy librarians edit.

Uses of a service (`use=True`, which make the patron an active user of the month, and an
e-service user when done online) are borrowing, renewing and placing a hold: each is the
patron asking for something. A return is not one: it ends a use already counted when the
item was lent (and renewed), and whoever brings the item back is not identified (a book drop,
a relative, staff emptying the return box); counting returns would make a patron "active"
in a month in which they did nothing. An automatic renewal is a renewal the patron asked for
when borrowing, so it counts like one (its channel is the scheduled job, not online).

Lending and renewing are marked `lends`: the copies lent in a year are counted once each
(the stock not used is the copies held that none of these entries named)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.circulation.errors import RefusalReason
from bibliohub.history import Domain

circulation = Domain("circulation", _("Circulation"))
# The audit log words the refusal reasons (and those overridden) the entries carry.
circulation.explain_reasons(RefusalReason)

# Loans.
CHECKOUT = circulation.kind(
    "checkout", pgettext_lazy("history", "Checked out"), use=True, lends=True
)
CHECKIN = circulation.kind("checkin", pgettext_lazy("history", "Checked in"))
RENEW = circulation.kind("renew", pgettext_lazy("history", "Renewed"), use=True, lends=True)
LOST = circulation.kind("lost", pgettext_lazy("history", "Marked lost"))
CLAIMS_RETURNED = circulation.kind("claims_returned", pgettext_lazy("history", "Claimed returned"))
DAMAGED = circulation.kind("damaged", pgettext_lazy("history", "Marked damaged"))

# Holds.
HOLD_PLACED = circulation.kind("hold_placed", pgettext_lazy("history", "Hold placed"), use=True)
HOLD_CANCELLED = circulation.kind("hold_cancelled", pgettext_lazy("history", "Hold cancelled"))
HOLD_CHANGED = circulation.kind("hold_changed", pgettext_lazy("history", "Hold changed"))
HOLD_READY = circulation.kind("hold_ready", pgettext_lazy("history", "Hold ready to pick up"))
HOLD_EXPIRED = circulation.kind("hold_expired", pgettext_lazy("history", "Hold expired"))

# Copies between branches.
TRANSFER_SENT = circulation.kind(
    "transfer_sent", pgettext_lazy("history", "Sent to another branch")
)
TRANSFER_RECEIVED = circulation.kind(
    "transfer_received", pgettext_lazy("history", "Received from another branch")
)

# Money: amounts in the network's currency.
FINE = circulation.kind("fine", pgettext_lazy("history", "Fine charged"))
PAYMENT = circulation.kind("payment", pgettext_lazy("history", "Payment taken"))
WAIVE = circulation.kind("waive", pgettext_lazy("history", "Fine waived"))
LOST_CHARGE_CANCELLED = circulation.kind(
    "lost_cancelled", pgettext_lazy("history", "Lost-item charge cancelled: copy found")
)
REFUND = circulation.kind("refund", pgettext_lazy("history", "Refund due"))
REFUND_PAID = circulation.kind("refund_paid", pgettext_lazy("history", "Refund paid out"))

# Refusals, one kind per action refused, so that unmet demand is counted per action.
CHECKOUT_REFUSED = circulation.kind(
    "checkout_refused", pgettext_lazy("history", "Checkout refused")
)
RENEWAL_REFUSED = circulation.kind("renewal_refused", pgettext_lazy("history", "Renewal refused"))
HOLD_REFUSED = circulation.kind("hold_refused", pgettext_lazy("history", "Hold refused"))

# Privacy, notices and policy.
ANONYMISED = circulation.kind(
    "anonymised", pgettext_lazy("history", "Returned loans anonymised")
)
NOTICE_SENT = circulation.kind("notice_sent", pgettext_lazy("history", "Notice sent"))
POLICY_CHANGED = circulation.kind(
    "policy_changed", pgettext_lazy("history", "Circulation rule or term changed")
)
PRIVACY_CHANGED = circulation.kind(
    "privacy_changed", pgettext_lazy("history", "Privacy policy changed")
)
