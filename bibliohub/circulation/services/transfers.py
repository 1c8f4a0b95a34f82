"""Items moving between branches, and where an item goes when it arrives somewhere: to the
hold shelf, on to a hold's pickup branch, home, or back on the shelf."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.errors import InvalidOperation
from bibliohub.circulation.models import Hold, HoldStatus, Transfer, TransferReason
from bibliohub.circulation.services._common import Kind, days_after, record_event, save_item_status
from bibliohub.libraries.models import Branch

# Statuses in which an item that turns up at a desk is put back into circulation. Damaged,
# withdrawn and items being processed stay where staff put them.
ROUTABLE = frozenset(
    {
        ItemStatus.ON_LOAN,
        ItemStatus.AVAILABLE,
        ItemStatus.IN_TRANSIT,
        ItemStatus.LOST,
        ItemStatus.MISSING,
    }
)


@dataclass(frozen=True)
class Routing:
    """Where an item went: to `hold` (on the shelf here, or in transit with `transfer`),
    home with `transfer`, or back on the shelf (both None)."""

    hold: Hold | None = None
    transfer: Transfer | None = None


def route_item(
    item: Item, *, branch: Branch, staff: User | None, desk: str, at: datetime
) -> Routing:
    """Send an item that is physically at `branch` where it is needed and save its status.
    The caller holds the item's lock. The first hold it can fill takes it: on the hold shelf
    if the pickup branch is this one (ready until the rule's pickup days have passed), else
    in transit there. Without a hold, an item of another branch goes home."""
    if item.status == ItemStatus.REFERENCE:
        if item.branch_id != branch.pk:
            return Routing(
                transfer=_send(
                    item,
                    branch,
                    item.branch,
                    TransferReason.RETURN_HOME,
                    staff=staff,
                    desk=desk,
                    at=at,
                    status=ItemStatus.REFERENCE,
                )
            )
        return Routing()
    if item.status not in ROUTABLE:
        return Routing()
    hold = selectors.first_hold_for_item(item, at=at)
    if hold is not None:
        hold.assigned_item = item
        if hold.pickup_branch_id == branch.pk:
            try:
                policy = rules.load_policy(
                    branch=branch, category=hold.patron.category_id, item_type=item.item_type_id
                )
                days = policy.hold_pickup_days
            except rules.NoRuleApplies:
                days = 7
            hold.status = HoldStatus.READY
            hold.ready_at = at
            hold.expires_at = days_after(at, days)
            hold.save(update_fields=["assigned_item", "status", "ready_at", "expires_at"])
            _set_status(item, ItemStatus.ON_HOLD_SHELF)
            record_event(
                Kind.HOLD_READY,
                at=at,
                branch=branch,
                staff=staff,
                desk=desk,
                item=item,
                patron=hold.patron,
                hold=hold,
            )
            return Routing(hold=hold)
        hold.status = HoldStatus.IN_TRANSIT
        hold.save(update_fields=["assigned_item", "status"])
        transfer = _send(
            item,
            branch,
            hold.pickup_branch,
            TransferReason.HOLD,
            staff=staff,
            desk=desk,
            at=at,
            hold=hold,
        )
        return Routing(hold=hold, transfer=transfer)
    if item.branch_id != branch.pk:
        transfer = _send(
            item, branch, item.branch, TransferReason.RETURN_HOME, staff=staff, desk=desk, at=at
        )
        return Routing(transfer=transfer)
    _set_status(item, ItemStatus.AVAILABLE)
    return Routing()


def _set_status(item: Item, status: str) -> None:
    save_item_status(item, status)


def _send(
    item: Item,
    from_branch: Branch,
    to_branch: Branch,
    reason: str,
    *,
    staff: User | None,
    desk: str,
    at: datetime,
    hold: Hold | None = None,
    status: str = ItemStatus.IN_TRANSIT,
) -> Transfer:
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                item=item,
                from_branch=from_branch,
                to_branch=to_branch,
                reason=reason,
                hold=hold,
                sent_at=at,
                sent_by=staff,
            )
    except IntegrityError:
        raise InvalidOperation(_("This item is already in transit.")) from None
    _set_status(item, status)
    record_event(
        Kind.TRANSFER_SENT,
        at=at,
        branch=from_branch,
        staff=staff,
        desk=desk,
        item=item,
        hold=hold,
        detail={"to": to_branch.code, "reason": reason},
    )
    return transfer


@transaction.atomic
def send_transfer(
    *,
    item: Item,
    to_branch: Branch,
    branch: Branch,
    staff: User | None,
    at: datetime,
    desk: str = "",
    reason: str = TransferReason.MANUAL,
) -> Transfer:
    """Send `item` from `branch` to `to_branch` by hand (a rotating collection, a repair).
    The item is in transit until received. Raises InvalidOperation for an item on loan, on
    the hold shelf or already in transit, or sent to the branch it is at."""
    item = Item.objects.select_for_update().select_related("branch").get(pk=item.pk)
    if to_branch.pk == branch.pk:
        raise InvalidOperation(_("The item is already at this branch."))
    if item.status in (ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF, ItemStatus.IN_TRANSIT):
        raise InvalidOperation(
            _("An item that is %(status)s cannot be sent.") % {"status": item.get_status_display()}
        )
    return _send(item, branch, to_branch, reason, staff=staff, desk=desk, at=at)


def receive(
    item: Item, *, branch: Branch, staff: User | None, desk: str, at: datetime
) -> Transfer | None:
    """Close the item's open transfer, wherever it arrives; the caller holds the item's lock."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("hold")
        .filter(item=item, received_at__isnull=True)
        .first()
    )
    if transfer is None:
        return None
    transfer.received_at = at
    transfer.received_branch = branch
    transfer.received_by = staff
    transfer.save(update_fields=["received_at", "received_branch", "received_by"])
    record_event(
        Kind.TRANSFER_RECEIVED,
        at=at,
        branch=branch,
        staff=staff,
        desk=desk,
        item=item,
        hold=transfer.hold,
        detail={"from": transfer.from_branch_id},
    )
    return transfer


@dataclass(frozen=True)
class Arrival:
    transfer: Transfer
    routing: Routing


@transaction.atomic
def receive_transfer(
    *, item: Item, branch: Branch, staff: User | None, at: datetime, desk: str = ""
) -> Arrival:
    """Receive an item in transit at `branch` and send it on where it is needed (see
    route_item): a hold's pickup branch receiving it puts it on the hold shelf. An item sent
    by hand (a rotating collection) arriving where it was sent now belongs to that branch, so
    it is not sent straight back. Raises InvalidOperation when the item is not in transit."""
    item = Item.objects.select_for_update().select_related("branch").get(pk=item.pk)
    transfer = receive(item, branch=branch, staff=staff, desk=desk, at=at)
    if transfer is None:
        raise InvalidOperation(_("This item is not in transit."))
    if (
        transfer.reason == TransferReason.MANUAL
        and transfer.to_branch_id == branch.pk
        and item.branch_id != branch.pk
    ):
        item.branch = branch
        item.location = None  # the old shelving location belongs to the old branch
        item.save(update_fields=["branch", "location"])
    return Arrival(transfer, route_item(item, branch=branch, staff=staff, desk=desk, at=at))
