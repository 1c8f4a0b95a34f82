"""The only writers of circulation: each service is one transaction that records what it did
in the one history (bibliohub.history; the kinds are in circulation/kinds.py), with the
actor (who, through which channel) its caller gives it. The desk, the portal, SIP2,
scheduled jobs and the administration call these."""

from bibliohub.circulation.services.fines import (
    LostFound,
    accrue_fines,
    charge_fine,
    pay,
    pay_out_refund,
    waive,
)
from bibliohub.circulation.services.holds import (
    cancel_hold,
    change_not_needed_after,
    change_pickup,
    check_pickup,
    expire_holds,
    place_hold,
)
from bibliohub.circulation.services.loans import (
    CheckinResult,
    Lent,
    RenewAllResult,
    auto_renew,
    checkin,
    checkout,
    checkout_or_renew,
    claims_returned,
    mark_damaged,
    mark_lost,
    renew,
    renew_all,
)
from bibliohub.circulation.services.policy import (
    delete_rule,
    delete_term,
    save_privacy_policy,
    save_rule,
    save_term,
)
from bibliohub.circulation.services.privacy import anonymise_returned_loans
from bibliohub.circulation.services.transfers import (
    Arrival,
    receive_transfer,
    send_transfer,
)

__all__ = [
    "Arrival",
    "CheckinResult",
    "Lent",
    "LostFound",
    "RenewAllResult",
    "accrue_fines",
    "anonymise_returned_loans",
    "auto_renew",
    "cancel_hold",
    "change_not_needed_after",
    "change_pickup",
    "charge_fine",
    "check_pickup",
    "checkin",
    "checkout",
    "checkout_or_renew",
    "claims_returned",
    "delete_rule",
    "delete_term",
    "expire_holds",
    "mark_damaged",
    "mark_lost",
    "pay",
    "pay_out_refund",
    "place_hold",
    "receive_transfer",
    "renew",
    "renew_all",
    "save_privacy_policy",
    "save_rule",
    "save_term",
    "send_transfer",
    "waive",
]
