"""Items moving between branches, and where an item goes when it arrives somewhere: to the
hold shelf, on to a hold's pickup branch, home, or back on the shelf."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.errors import InvalidOperation
from bibliohub.circulation.kinds import HOLD_READY, TRANSFER_RECEIVED, TRANSFER_SENT
from bibliohub.circulation.models import Hold, HoldStatus, Transfer, TransferReason
from bibliohub.circulation.services._common import days_after, save_item_status
from bibliohub.history import Actor
from bibliohub.history import services as history
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
    home with `transfer`, or back on the shelf (both None). `item_status` is the status
    saved (None when it was left as it was), which the entry of the operation that routed
    the item records."""

    hold: Hold | None = None
    transfer: Transfer | None = None
    item_status: str | None = None


def route_item(item: Item, *, branch: Branch, actor: Actor, at: datetime) -> Routing:
    """Send an item that is physically at `branch` where it is needed and save its status.
    The caller holds the item's lock and records the status in its own entry (the hold
    shelf and transfers also record HOLD_READY and TRANSFER_SENT with it). The first hold
    it can fill takes it: on the hold shelf if the pickup branch is this one (ready until
    the rule's pickup days have passed), else in transit there. Without a hold, an item of
    another branch goes home."""
    if item.status == ItemStatus.REFERENCE:
        if item.branch_id != branch.pk:
            transfer = _send(
                item,
                branch,
                item.branch,
                TransferReason.RETURN_HOME,
                actor=actor,
                at=at,
                status=ItemStatus.REFERENCE,
            )
            return Routing(transfer=transfer, item_status=ItemStatus.REFERENCE)
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
            status = save_item_status(item, ItemStatus.ON_HOLD_SHELF)
            history.record(
                HOLD_READY,
                at=at,
                actor=actor,
                branch=branch,
                item=item,
                patron=hold.patron,
                obj=hold,
                detail={"item_status": status},
            )
            return Routing(hold=hold, item_status=status)
        hold.status = HoldStatus.IN_TRANSIT
        hold.save(update_fields=["assigned_item", "status"])
        transfer = _send(
            item, branch, hold.pickup_branch, TransferReason.HOLD, actor=actor, at=at, hold=hold
        )
        return Routing(hold=hold, transfer=transfer, item_status=ItemStatus.IN_TRANSIT)
    if item.branch_id != branch.pk:
        transfer = _send(item, branch, item.branch, TransferReason.RETURN_HOME, actor=actor, at=at)
        return Routing(transfer=transfer, item_status=ItemStatus.IN_TRANSIT)
    return Routing(item_status=save_item_status(item, ItemStatus.AVAILABLE))


def _send(
    item: Item,
    from_branch: Branch,
    to_branch: Branch,
    reason: str,
    *,
    actor: Actor,
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
                sent_by_id=actor.staff_id,
            )
    except IntegrityError:
        raise InvalidOperation(_("This item is already in transit.")) from None
    detail: dict[str, object] = {
        "to": to_branch.code,
        "reason": reason,
        "item_status": save_item_status(item, status),
    }
    if hold is not None:
        detail["hold"] = hold.pk
    history.record(
        TRANSFER_SENT,
        at=at,
        actor=actor,
        branch=from_branch,
        item=item,
        obj=transfer,
        detail=detail,
    )
    return transfer


@transaction.atomic
def send_transfer(
    *,
    item: Item,
    to_branch: Branch,
    branch: Branch,
    actor: Actor,
    at: datetime,
    reason: str = TransferReason.MANUAL,
) -> Transfer:
    """Send `item` from `branch` to `to_branch` by hand (a rotating collection, a repair).
    The item is in transit until received. Records TRANSFER_SENT with the new status. Raises
    InvalidOperation for an item on loan, on the hold shelf or already in transit, or sent to
    the branch it is at."""
    item = Item.objects.select_for_update(of=("self",)).select_related("branch").get(pk=item.pk)
    if to_branch.pk == branch.pk:
        raise InvalidOperation(_("The item is already at this branch."))
    if item.status in (ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF, ItemStatus.IN_TRANSIT):
        raise InvalidOperation(
            _("An item that is %(status)s cannot be sent.") % {"status": item.get_status_display()}
        )
    return _send(item, branch, to_branch, reason, actor=actor, at=at)


def receive(item: Item, *, branch: Branch, actor: Actor, at: datetime) -> Transfer | None:
    """Close the item's open transfer, wherever it arrives; the caller holds the item's lock
    and records TRANSFER_RECEIVED (record_received) once it knows where the item goes."""
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
    transfer.received_by_id = actor.staff_id
    transfer.save(update_fields=["received_at", "received_branch", "received_by"])
    return transfer


def record_received(
    transfer: Transfer,
    *,
    item: Item,
    branch: Branch,
    actor: Actor,
    at: datetime,
    routing: Routing,
    moved: bool = False,
) -> None:
    """Record TRANSFER_RECEIVED for `transfer`, with the status the arrival gave the item and
    whether the item now belongs to `branch` (`moved`)."""
    detail: dict[str, object] = {"from": transfer.from_branch_id}
    if transfer.hold_id is not None:
        detail["hold"] = transfer.hold_id
    if routing.item_status is not None:
        detail["item_status"] = routing.item_status
    if moved:
        detail["item_branch"] = branch.pk
    history.record(
        TRANSFER_RECEIVED, at=at, actor=actor, branch=branch, item=item, obj=transfer, detail=detail
    )


@dataclass(frozen=True)
class Arrival:
    transfer: Transfer
    routing: Routing


@transaction.atomic
def receive_transfer(*, item: Item, branch: Branch, actor: Actor, at: datetime) -> Arrival:
    """Receive an item in transit at `branch` and send it on where it is needed (see
    route_item): a hold's pickup branch receiving it puts it on the hold shelf. An item sent
    by hand (a rotating collection) arriving where it was sent now belongs to that branch, so
    it is not sent straight back. Records TRANSFER_RECEIVED with the item's new status.
    Raises InvalidOperation when the item is not in transit."""
    item = Item.objects.select_for_update(of=("self",)).select_related("branch").get(pk=item.pk)
    transfer = receive(item, branch=branch, actor=actor, at=at)
    if transfer is None:
        raise InvalidOperation(_("This item is not in transit."))
    moved = (
        transfer.reason == TransferReason.MANUAL
        and transfer.to_branch_id == branch.pk
        and item.branch_id != branch.pk
    )
    if moved:
        item.branch = branch
        item.location = None  # the old shelving location belongs to the old branch
        item.save(update_fields=["branch", "location"])
    routing = route_item(item, branch=branch, actor=actor, at=at)
    record_received(
        transfer, item=item, branch=branch, actor=actor, at=at, routing=routing, moved=moved
    )
    return Arrival(transfer, routing)
