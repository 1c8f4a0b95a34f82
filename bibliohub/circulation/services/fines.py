"""Fines and payments: overdue fines accrue by rule, staff charge for lost and damaged items,
patrons pay (oldest fines first, with a receipt) and staff waive with a reason."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.catalog.models import Item
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.errors import InvalidOperation
from bibliohub.circulation.kinds import (
    FINE,
    LOST_CHARGE_CANCELLED,
    PAYMENT,
    REFUND,
    REFUND_PAID,
    WAIVE,
)
from bibliohub.circulation.models import (
    Fine,
    FineDays,
    FineKind,
    Loan,
    Payment,
    PaymentLine,
    Refund,
    WaivedBecause,
)
from bibliohub.circulation.services._common import currency_of
from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.libraries.hours import BranchCalendar, calendars_for
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron

CENT = Decimal("0.01")


def about_fine(fine: Fine) -> dict[str, object]:
    """What names a fine in the entries about it: the loan it is for (so that anonymising the
    loan forgets the patron there too), else the fine itself; the fine's id in the detail."""
    if fine.loan_id is not None:
        return {"obj": Loan(pk=fine.loan_id), "detail": {"fine": fine.pk}}
    return {"obj": fine, "detail": {"fine": fine.pk}}


def _network_of(branch: Branch | None, patron: Patron | None) -> int | None:
    if branch is not None:
        return branch.network_id
    return patron.network_id if patron is not None else None


def _currency(branch: Branch | None, patron: Patron | None) -> str:
    network_id = _network_of(branch, patron)
    return currency_of(network_id) if network_id is not None else ""


def charge(
    *,
    patron: Patron,
    kind: str,
    amount: Decimal,
    at: datetime,
    branch: Branch | None,
    actor: Actor,
    loan: Loan | None = None,
    item: Item | None = None,
    note: str = "",
) -> Fine:
    """Charge `patron` a new fine (inside the caller's transaction) and record FINE, in the
    network's currency, naming the loan it is for (about_fine)."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise InvalidOperation(_("A fine must be more than zero."))
    fine = Fine.objects.create(
        patron=patron,
        loan=loan,
        item=item,
        branch=branch,
        kind=kind,
        amount=amount,
        note=note,
        created_at=at,
        updated_at=at,
    )
    named = about_fine(fine)
    history.record(
        FINE,
        at=at,
        actor=actor,
        branch=branch,
        network=patron.network_id,
        patron=patron,
        item=item,
        obj=named["obj"],  # type: ignore[arg-type]
        amount=amount,
        currency=_currency(branch, patron),
        detail={**named["detail"], "kind": kind},  # type: ignore[dict-item]
    )
    return fine


@transaction.atomic
def charge_fine(
    *,
    patron: Patron,
    amount: Decimal,
    note: str,
    branch: Branch,
    actor: Actor,
    at: datetime,
) -> Fine:
    """Charge `patron` a fee by hand (a lost card, a printout), with a note saying what for
    (kept on the fine, not in the history). Records FINE."""
    patron = Patron.objects.select_related("category").get(pk=patron.pk)
    return charge(
        patron=patron,
        kind=FineKind.MANUAL,
        amount=amount,
        at=at,
        branch=branch,
        actor=actor,
        note=note,
    )


def accrue_overdue(
    loan: Loan,
    *,
    at: datetime,
    actor: Actor,
    policy: rules.Policy | None = None,
    calendar: BranchCalendar | None = None,
) -> Fine | None:
    """Bring the overdue fine of `loan` up to `at` under the rule of the branch that lent it
    (inside the caller's transaction) and return it; None while nothing is due. The fine only
    grows: once waived it stays waived, and a paid fine that grows is open again. Under a
    rule that fines only open days, the lending branch's calendar is read unless `calendar`
    (covering the due day to the day of `at`) is given. A new fine records FINE."""
    if loan.patron_id is None or loan.due_at >= at:
        return None
    if policy is None:
        try:
            policy = rules.load_policy(
                branch=loan.branch_id, category=loan.category_id, item_type=loan.item_type_id
            )
        except rules.NoRuleApplies:
            return None
    if policy.is_fine_free:
        amount = Decimal("0.00")
    else:
        if calendar is None and policy.fine_days == FineDays.OPEN_DAYS:
            calendar = rules.load_fine_calendar(loan.branch, due_at=loan.due_at, at=at)
        amount = rules.fine_for(policy, due_at=loan.due_at, at=at, calendar=calendar)
    fine = Fine.objects.select_for_update().filter(loan=loan, kind=FineKind.OVERDUE).first()
    if fine is None:
        if amount <= 0:
            return None
        patron = Patron.objects.select_related("category").get(pk=loan.patron_id)
        return charge(
            patron=patron,
            kind=FineKind.OVERDUE,
            amount=amount,
            at=at,
            branch=loan.branch,
            actor=actor,
            loan=loan,
            item=loan.item,
        )
    if fine.waived_at is None and amount > fine.amount:
        fine.amount = amount
        fine.updated_at = at
        fine.settled_at = None
        fine.save(update_fields=["amount", "updated_at", "settled_at"])
    return fine


@transaction.atomic
def accrue_fines(*, at: datetime, actor: Actor) -> int:
    """Bring the overdue fines of every overdue loan up to `at` (scheduled, daily, `actor`
    being the job), each by the rule of the branch that lent the item. Returns how many
    loans owe a fine now. New fines record FINE; growing ones do not (the checkin records
    the final amount)."""
    policies: dict[tuple[int, int | None, int], rules.Policy | None] = {}
    owing = 0
    loans = list(
        Loan.objects.select_for_update(of=("self",))
        .filter(returned_at__isnull=True, due_at__lt=at, patron__isnull=False)
        .select_related("branch", "item")
        .order_by("pk")
    )
    if not loans:
        return 0
    # Every lending branch's calendar over the whole overdue span, in two queries (not two
    # per loan): rules that fine only open days read them.
    calendars = calendars_for(
        {loan.branch_id: loan.branch for loan in loans}.values(),
        timezone.localdate(min(loan.due_at for loan in loans)),
        timezone.localdate(at),
    )
    for loan in loans:
        key = (loan.branch_id, loan.category_id, loan.item_type_id)
        if key not in policies:
            try:
                policies[key] = rules.load_policy(branch=key[0], category=key[1], item_type=key[2])
            except rules.NoRuleApplies:
                policies[key] = None
        policy = policies[key]
        if policy is None or policy.is_fine_free:
            continue
        calendar = calendars[loan.branch_id]
        if accrue_overdue(loan, at=at, actor=actor, policy=policy, calendar=calendar) is not None:
            owing += 1
    return owing


@transaction.atomic
def pay(
    *,
    patron: Patron,
    amount: Decimal,
    actor: Actor,
    branch: Branch,
    at: datetime,
) -> Payment:
    """Take `amount` from `patron`, settle their fines oldest first (the last one touched
    may be paid in part) and return the payment with its receipt number and lines. Records
    PAYMENT, in the network's currency, with the receipt number and the fines it settled.
    Raises InvalidOperation for a non-positive amount or more than is owed."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise InvalidOperation(_("The amount paid must be more than zero."))
    patron = (
        Patron.objects.select_for_update(of=("self",)).select_related("category").get(pk=patron.pk)
    )
    fines = list(selectors.fines_for(patron).select_for_update(of=("self",)))
    owed = sum((f.outstanding for f in fines), Decimal(0))
    if amount > owed:
        raise InvalidOperation(
            _("The patron owes %(owed)s; %(amount)s is more than that.")
            % {"owed": owed, "amount": amount}
        )
    payment = Payment.objects.create(
        receipt_number=uuid.uuid4().hex,
        patron=patron,
        amount=amount,
        branch=branch,
        staff_id=actor.staff_id,
        desk=actor.desk[:50],
        at=at,
    )
    # Numbered after the row exists so that the number is unique without a counter:
    # branch, local date and the payment's id.
    payment.receipt_number = (
        f"{branch.code.upper()}-{timezone.localdate(at):%Y%m%d}-{payment.pk:06d}"
    )
    payment.save(update_fields=["receipt_number"])
    left = amount
    paid: list[int] = []
    for fine in fines:
        if left <= 0:
            break
        outstanding = fine.outstanding
        part = min(left, outstanding)
        if part <= 0:
            continue
        PaymentLine.objects.create(payment=payment, fine=fine, amount=part)
        # The fines are locked above, so adding in Python cannot lose a concurrent payment.
        fine.paid = Decimal(fine.paid) + part
        fine.updated_at = at
        if part == outstanding:
            fine.settled_at = at
        fine.save(update_fields=["paid", "updated_at", "settled_at"])
        paid.append(fine.pk)
        left -= part
    history.record(
        PAYMENT,
        at=at,
        actor=actor,
        branch=branch,
        patron=patron,
        obj=payment,
        amount=amount,
        currency=_currency(branch, patron),
        detail={"receipt": payment.receipt_number, "fines": paid},
    )
    return payment


@transaction.atomic
def waive(
    *, fine: Fine, reason: str, actor: Actor, at: datetime, branch: Branch | None = None
) -> Fine:
    """Forgive what is left of `fine`, for `reason` (kept on the fine), and return it
    settled. Records WAIVE with the amount forgiven. Only staff can waive; raises
    InvalidOperation without a reason, for anyone but staff, or for a settled fine."""
    if not actor.is_staff:
        raise InvalidOperation(_("Only staff can waive a fine."))
    if not reason.strip():
        raise InvalidOperation(_("Say why the fine is waived."))
    fine = (
        Fine.objects.select_for_update(of=("self",))
        .select_related("patron__category")
        .get(pk=fine.pk)
    )
    if fine.settled_at is not None:
        raise InvalidOperation(_("This fine has already been paid or waived."))
    forgiven = fine.outstanding
    fine.waived_at = at
    fine.waived_by_id = actor.staff_id
    fine.waived_reason = reason.strip()
    fine.settled_at = at
    fine.updated_at = at
    fine.save(update_fields=["waived_at", "waived_by", "waived_reason", "settled_at", "updated_at"])
    named = about_fine(fine)
    history.record(
        WAIVE,
        at=at,
        actor=actor,
        branch=branch,
        network=fine.patron.network_id if fine.patron else None,
        patron=fine.patron,
        obj=named["obj"],  # type: ignore[arg-type]
        amount=forgiven,
        currency=_currency(branch, fine.patron),
        detail=named["detail"],  # type: ignore[arg-type]
    )
    return fine


@dataclass(frozen=True)
class LostFound:
    """What turning up did to a lost copy's charges: the unpaid amount cancelled and the
    refunds now owed to the patrons who had paid."""

    cancelled: Decimal = Decimal("0.00")
    refunds: list[Refund] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.cancelled or self.refunds)

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds), Decimal("0.00"))


def settle_found_copy(item: Item, *, at: datetime, branch: Branch, actor: Actor) -> LostFound:
    """A copy marked lost has turned up (inside the caller's transaction, which holds the
    item's lock): what is unpaid of its lost-item charge is cancelled, with the copy found as
    the reason, and what the patron had paid of it becomes a refund staff pay out (see
    pay_out_refund). Records LOST_CHARGE_CANCELLED and REFUND with the actor and branch,
    naming the loan the charge was for. The overdue fine up to the loss stays: the copy was
    late all the same."""
    charges = (
        Fine.objects.select_for_update(of=("self",))
        .select_related("patron__category")
        .filter(item=item, kind=FineKind.LOST, waived_at__isnull=True, refund__isnull=True)
        .order_by("pk")
    )
    cancelled = Decimal("0.00")
    refunds: list[Refund] = []
    currency = currency_of(branch.network_id)
    for fine in charges:
        unpaid, paid = fine.outstanding, Decimal(fine.paid)
        if unpaid > 0:
            fine.waived_at = at
            fine.waived_by_id = actor.staff_id
            fine.waived_because = WaivedBecause.FOUND
            fine.settled_at = at
            fine.updated_at = at
            fine.save(
                update_fields=[
                    "waived_at",
                    "waived_by",
                    "waived_because",
                    "settled_at",
                    "updated_at",
                ]
            )
            cancelled += unpaid
            named = about_fine(fine)
            history.record(
                LOST_CHARGE_CANCELLED,
                at=at,
                actor=actor,
                branch=branch,
                item=item,
                patron=fine.patron,
                obj=named["obj"],  # type: ignore[arg-type]
                amount=unpaid,
                currency=currency,
                detail=named["detail"],  # type: ignore[arg-type]
            )
        if paid > 0 and fine.patron is not None:
            refund = Refund.objects.create(
                patron=fine.patron,
                fine=fine,
                item=item,
                amount=paid,
                created_at=at,
                branch=branch,
                staff_id=actor.staff_id,
            )
            refunds.append(refund)
            named = about_fine(fine)
            history.record(
                REFUND,
                at=at,
                actor=actor,
                branch=branch,
                item=item,
                patron=fine.patron,
                obj=named["obj"],  # type: ignore[arg-type]
                amount=paid,
                currency=currency,
                detail={**named["detail"], "refund": refund.pk},  # type: ignore[dict-item]
            )
    return LostFound(cancelled=cancelled, refunds=refunds)


@transaction.atomic
def pay_out_refund(*, refund: Refund, actor: Actor, branch: Branch, at: datetime) -> Refund:
    """Hand `refund` to its patron at `branch` and return it with its receipt number.
    Records REFUND_PAID, naming the loan the refunded charge was for. Raises
    InvalidOperation for anyone but staff (a self-check has no cash to give) or for a
    refund already paid out."""
    if not actor.is_staff:
        raise InvalidOperation(_("Only staff can pay out a refund."))
    refund = (
        Refund.objects.select_for_update(of=("self",))
        .select_related("patron__category", "fine", "item")
        .get(pk=refund.pk)
    )
    if refund.paid_out_at is not None:
        raise InvalidOperation(_("This refund has already been paid out."))
    refund.paid_out_at = at
    refund.paid_out_by_id = actor.staff_id
    refund.paid_out_branch = branch
    # The payment receipts' pattern with R for refund: branch, local date, the refund's id.
    refund.receipt_number = (
        f"{branch.code.upper()}-{timezone.localdate(at):%Y%m%d}-R{refund.pk:06d}"
    )
    refund.save(update_fields=["paid_out_at", "paid_out_by", "paid_out_branch", "receipt_number"])
    named = about_fine(refund.fine)
    history.record(
        REFUND_PAID,
        at=at,
        actor=actor,
        branch=branch,
        item=refund.item,
        patron=refund.patron,
        obj=named["obj"],  # type: ignore[arg-type]
        amount=refund.amount,
        currency=_currency(branch, refund.patron),
        detail={
            **named["detail"],  # type: ignore[dict-item]
            "refund": refund.pk,
            "receipt": refund.receipt_number,
        },
    )
    return refund
