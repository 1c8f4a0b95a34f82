"""Holds: placing, cancelling, changing the pickup branch, and expiring holds left on the
shelf. Copies reach holds when they are returned or pulled from the shelf and checked in
(see transfers.route_item); the queue of a title is first come, first served."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.catalog.models import GONE_STATUSES, Item, ItemStatus, Record
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.errors import HoldRefused, InvalidOperation, RefusalReason
from bibliohub.circulation.kinds import (
    HOLD_CANCELLED,
    HOLD_CHANGED,
    HOLD_EXPIRED,
    HOLD_PLACED,
    HOLD_REFUSED,
)
from bibliohub.circulation.models import ACTIVE_HOLD_STATUSES, Hold, HoldStatus, Loan
from bibliohub.circulation.services import transfers
from bibliohub.circulation.services._common import (
    can_override,
    check_override,
    override_detail,
)
from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron

# Copies that can never come back to fill a hold.
UNHOLDABLE = frozenset({*GONE_STATUSES, ItemStatus.WITHDRAWN, ItemStatus.REFERENCE})


def check_pickup(pickup_branch: Branch, *, patron: Patron) -> None:
    """Raise InvalidOperation unless a hold of `patron` can be picked up at `pickup_branch`:
    an active branch of the patron's network. Every interface (desk, portal, SIP2) is
    checked here, not in its own code."""
    if pickup_branch.network_id != patron.network_id or not pickup_branch.is_active:
        raise InvalidOperation(
            _("Holds cannot be picked up at %(branch)s.")
            % {"branch": pickup_branch.display_name()}
        )


def place_hold(
    *,
    patron: Patron,
    record: Record | None = None,
    item: Item | None = None,
    pickup_branch: Branch,
    actor: Actor,
    at: datetime,
    override_reason: str | None = None,
    not_needed_after: date | None = None,
) -> Hold:
    """Put `patron` in the queue for the title `record` (any copy) or for one copy `item`,
    to pick up at `pickup_branch`, and return the hold. With `not_needed_after`, the hold
    ends if no copy is set aside for it by the end of that day (see expire_holds); raises
    InvalidOperation for a day already past, and for a pickup branch where the patron
    cannot pick it up (check_pickup). The rule of the pickup branch for the patron's
    category and the copy's item type says whether holds are allowed (for a title, if any
    of its copies may be held). Records HOLD_PLACED.

    Refused with HoldRefused carrying every reason (the patron's blocks, holds not allowed,
    no copy that could fill it, a hold already on the title, the title already on loan to
    the patron), recorded as HOLD_REFUSED. Staff may override overridable reasons with
    `override_reason` (the hold keeps why); anyone else never."""
    if (record is None) == (item is None):
        raise TypeError("place_hold takes a record or an item, not both")
    override = check_override(actor, override_reason)
    _check_not_needed_after(not_needed_after, at=at)
    check_pickup(pickup_branch, patron=patron)
    record_id = item.record_id if item is not None else record.pk  # type: ignore[union-attr]
    refusal: HoldRefused | None = None
    hold: Hold | None = None
    with transaction.atomic():
        patron, state = selectors.patron_state(patron, at=at, lock=True)
        copies = Item.objects.filter(record_id=record_id).exclude(status__in=UNHOLDABLE)
        if item is not None:
            copies = copies.filter(pk=item.pk)
        item_types = sorted(set(copies.values_list("item_type_id", flat=True)))
        policy = None
        patron_policy = None
        for item_type in item_types:
            policies = rules.load_policies(
                branch=pickup_branch, category=patron.category_id, item_type=item_type
            )
            patron_policy = policies.patron
            candidate = policies.item
            if candidate is None:
                continue
            if policy is None or (candidate.holds_allowed and not policy.holds_allowed):
                policy = candidate
        if not item_types:
            # Without a copy there is no item type to ask about; the refusal says why.
            policy = patron_policy = rules.load_patron_policy(
                branch=pickup_branch, category=patron.category_id
            )
        reasons = rules.hold_refusals(
            policy,
            patron=rules.patron_refusals(patron_policy, state),
            already_held=Hold.objects.filter(
                patron=patron, record_id=record_id, status__in=ACTIVE_HOLD_STATUSES
            ).exists(),
            on_loan_to_patron=Loan.objects.filter(
                patron=patron, returned_at__isnull=True, item__record_id=record_id
            ).exists(),
            holdable_copies=len(item_types),
        )
        if reasons and not can_override(reasons, override):
            refusal = HoldRefused(reasons, record_id=record_id)
        else:
            try:
                with transaction.atomic():
                    hold = Hold.objects.create(
                        record_id=record_id,
                        item=item,
                        patron=patron,
                        pickup_branch=pickup_branch,
                        placed_at=at,
                        placed_by_id=actor.staff_id,
                        not_needed_after=not_needed_after,
                        override_reason=override[:255] if reasons else "",
                    )
            except IntegrityError:
                # Placed twice at once (a double click, two tabs): the unique index on active
                # holds lets one through.
                refusal = HoldRefused([RefusalReason.ALREADY_HELD], record_id=record_id)
        if hold is not None:
            history.record(
                HOLD_PLACED,
                at=at,
                actor=actor,
                branch=pickup_branch,
                item=item,
                record_id=record_id,
                patron=patron,
                obj=hold,
                reasons=[r.value for r in reasons],
                detail=override_detail(reasons, override),
            )
        else:
            assert refusal is not None
            history.record(
                HOLD_REFUSED,
                at=at,
                actor=actor,
                branch=pickup_branch,
                item=item,
                record_id=record_id,
                patron=patron,
                reasons=refusal.codes,
                detail={"override_asked": True} if override else None,
            )
    if refusal is not None:
        raise refusal
    assert hold is not None
    return hold


def _check_not_needed_after(day: date | None, *, at: datetime) -> None:
    if day is not None and day < timezone.localdate(at):
        raise InvalidOperation(_("The day after which the hold is not needed has already passed."))


def _lock_active(hold: Hold) -> Hold:
    hold = (
        Hold.objects.select_for_update(of=("self",))
        .select_related("patron__category", "pickup_branch")
        .get(pk=hold.pk)
    )
    if not hold.is_active:
        raise InvalidOperation(_("This hold is no longer active."))
    return hold


@transaction.atomic
def cancel_hold(
    *,
    hold: Hold,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
    reason: str = "",
) -> Hold:
    """Cancel an active hold (by the patron in the portal, or at a desk or a terminal) and
    return it, keeping `reason` on the hold. A copy waiting on the hold shelf goes to the
    next reader or back to its shelf; one in transit goes on and is routed when it arrives.
    Records HOLD_CANCELLED (with the copy's new status when it moved). Raises
    InvalidOperation for a hold that is no longer active."""
    hold = _lock_active(hold)
    was_ready = hold.status == HoldStatus.READY
    hold.status = HoldStatus.CANCELLED
    hold.closed_at = at
    hold.cancel_reason = reason
    hold.save(update_fields=["status", "closed_at", "cancel_reason"])
    detail = (
        _reroute(hold, actor=actor, at=at)
        if was_ready and hold.assigned_item_id is not None
        else {}
    )
    history.record(
        HOLD_CANCELLED,
        at=at,
        actor=actor,
        branch=branch,
        network=hold.pickup_branch.network_id,
        record_id=hold.record_id,
        patron=hold.patron,
        obj=hold,
        detail=detail,
    )
    return hold


def _reroute(hold: Hold, *, actor: Actor, at: datetime) -> dict[str, object]:
    """Send the copy set aside for `hold` on (it is on the hold shelf of the pickup branch:
    "returned" there), and say what the caller's entry records of it."""
    assert hold.assigned_item_id is not None
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=hold.assigned_item_id)
    )
    if item.status != ItemStatus.ON_HOLD_SHELF:
        return {}
    item.status = ItemStatus.AVAILABLE
    routing = transfers.route_item(item, branch=hold.pickup_branch, actor=actor, at=at)
    if routing.item_status is None:
        return {}
    return {"item": item.pk, "item_status": routing.item_status}


@transaction.atomic
def change_pickup(
    *,
    hold: Hold,
    pickup_branch: Branch,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
) -> Hold:
    """Move a waiting hold's pickup to `pickup_branch`, keeping its place in the queue.
    Records HOLD_CHANGED. Raises InvalidOperation once a copy is on its way or waiting, and
    for a branch where the patron cannot pick it up (check_pickup)."""
    hold = _lock_active(hold)
    check_pickup(pickup_branch, patron=hold.patron)
    if hold.status != HoldStatus.WAITING:
        raise InvalidOperation(
            _("A copy is already on its way or waiting; cancel the hold to change the branch.")
        )
    previous = hold.pickup_branch
    hold.pickup_branch = pickup_branch
    hold.save(update_fields=["pickup_branch"])
    history.record(
        HOLD_CHANGED,
        at=at,
        actor=actor,
        branch=branch,
        network=pickup_branch.network_id,
        record_id=hold.record_id,
        patron=hold.patron,
        obj=hold,
        detail={"from": previous.code, "to": pickup_branch.code},
    )
    return hold


@transaction.atomic
def change_not_needed_after(
    *,
    hold: Hold,
    not_needed_after: date | None,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
) -> Hold:
    """Set, move or clear (None) the day after which a waiting hold is not needed, and
    return the hold. Records HOLD_CHANGED with the days before and after. Raises
    InvalidOperation for a day already past, or once a copy is on its way or waiting (it
    then keeps its pickup days)."""
    _check_not_needed_after(not_needed_after, at=at)
    hold = _lock_active(hold)
    if hold.status != HoldStatus.WAITING:
        raise InvalidOperation(
            _("A copy is already on its way or waiting; it stays until its pickup date.")
        )
    previous = hold.not_needed_after
    hold.not_needed_after = not_needed_after
    hold.save(update_fields=["not_needed_after"])
    history.record(
        HOLD_CHANGED,
        at=at,
        actor=actor,
        branch=branch,
        network=hold.pickup_branch.network_id,
        record_id=hold.record_id,
        patron=hold.patron,
        obj=hold,
        detail={
            "not_needed_after": {
                "from": previous.isoformat() if previous else None,
                "to": not_needed_after.isoformat() if not_needed_after else None,
            }
        },
    )
    return hold


@transaction.atomic
def expire_holds(*, at: datetime, actor: Actor) -> list[Hold]:
    """Expire, at `at` (scheduled, `actor` being the job), the holds whose pickup time has
    passed, sending their copies to the next reader or back to their shelves, and the holds
    still waiting for a copy after their "not needed after" day. Records HOLD_EXPIRED for
    each (with the reason in its detail, and the copy's new status) and returns them; the
    hold-expired notice tells each reader."""
    expired = list(
        Hold.objects.select_for_update(of=("self",))
        .select_related("patron__category", "pickup_branch")
        .filter(
            Q(status=HoldStatus.READY, expires_at__lt=at)
            | Q(status=HoldStatus.WAITING, not_needed_after__lt=timezone.localdate(at))
        )
        .order_by("pk")
    )
    for hold in expired:
        unneeded = hold.status == HoldStatus.WAITING
        hold.status = HoldStatus.EXPIRED
        hold.closed_at = at
        hold.save(update_fields=["status", "closed_at"])
        detail: dict[str, object] = {"reason": "not_needed_after"} if unneeded else {}
        if hold.assigned_item_id is not None:
            detail.update(_reroute(hold, actor=actor, at=at))
        history.record(
            HOLD_EXPIRED,
            at=at,
            actor=actor,
            branch=hold.pickup_branch,
            record_id=hold.record_id,
            patron=hold.patron,
            obj=hold,
            detail=detail,
        )
    return expired
