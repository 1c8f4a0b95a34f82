"""The only writers of circulation: each service is one transaction that appends its
CirculationEvent(s). The desk, the portal, the API, SIP2 and scheduled jobs call these."""

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
    expire_holds,
    place_hold,
)
from bibliohub.circulation.services.loans import (
    CheckinResult,
    RenewAllResult,
    auto_renew,
    checkin,
    checkout,
    claims_returned,
    mark_damaged,
    mark_lost,
    renew,
    renew_all,
)
from bibliohub.circulation.services.policy import save_rule, save_term
from bibliohub.circulation.services.privacy import anonymise_returned_loans
from bibliohub.circulation.services.transfers import (
    Arrival,
    receive_transfer,
    send_transfer,
)

__all__ = [
    "Arrival",
    "CheckinResult",
    "LostFound",
    "RenewAllResult",
    "accrue_fines",
    "anonymise_returned_loans",
    "auto_renew",
    "cancel_hold",
    "change_not_needed_after",
    "change_pickup",
    "charge_fine",
    "checkin",
    "checkout",
    "claims_returned",
    "expire_holds",
    "mark_damaged",
    "mark_lost",
    "pay",
    "pay_out_refund",
    "place_hold",
    "receive_transfer",
    "renew",
    "renew_all",
    "save_rule",
    "save_term",
    "send_transfer",
    "waive",
]
