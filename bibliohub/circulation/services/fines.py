"""Fines and payments: overdue fines accrue by rule, staff charge for lost and damaged items,
patrons pay (oldest fines first, with a receipt) and staff waive with a reason."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.errors import InvalidOperation
from bibliohub.circulation.models import Fine, FineDays, FineKind, Loan, Payment, PaymentLine
from bibliohub.circulation.services._common import Kind, record_event
from bibliohub.libraries.hours import BranchCalendar, calendars_for
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron

CENT = Decimal("0.01")


def charge(
    *,
    patron: Patron,
    kind: str,
    amount: Decimal,
    at: datetime,
    branch: Branch | None,
    staff: User | None,
    loan: Loan | None = None,
    item: Item | None = None,
    note: str = "",
) -> Fine:
    """Charge `patron` a new fine (inside the caller's transaction) and record a FINE event."""
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
    record_event(
        Kind.FINE,
        at=at,
        branch=branch,
        staff=staff,
        item=item,
        patron=patron,
        loan=loan,
        amount=amount,
        detail={"kind": kind, "fine": fine.pk},
    )
    return fine


@transaction.atomic
def charge_fine(
    *,
    patron: Patron,
    amount: Decimal,
    note: str,
    branch: Branch,
    staff: User,
    at: datetime,
) -> Fine:
    """Charge `patron` a fee by hand (a lost card, a printout), with a note saying what for."""
    patron = Patron.objects.select_related("category").get(pk=patron.pk)
    return charge(
        patron=patron,
        kind=FineKind.MANUAL,
        amount=amount,
        at=at,
        branch=branch,
        staff=staff,
        note=note,
    )


def accrue_overdue(
    loan: Loan,
    *,
    at: datetime,
    staff: User | None = None,
    policy: rules.Policy | None = None,
    calendar: BranchCalendar | None = None,
) -> Fine | None:
    """Bring the overdue fine of `loan` up to `at` under the rule of the branch that lent it
    (inside the caller's transaction) and return it; None while nothing is due. The fine only
    grows: once waived it stays waived, and a paid fine that grows is open again. Under a
    rule that fines only open days, the lending branch's calendar is read unless `calendar`
    (covering the due day to the day of `at`) is given."""
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
            staff=staff,
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
def accrue_fines(*, at: datetime) -> int:
    """Bring the overdue fines of every overdue loan up to `at` (scheduled, daily), each by
    the rule of the branch that lent the item. Returns how many loans owe a fine now. New
    fines record a FINE event; growing ones do not (the checkin records the final amount)."""
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
        if accrue_overdue(loan, at=at, policy=policy, calendar=calendar) is not None:
            owing += 1
    return owing


@transaction.atomic
def pay(
    *,
    patron: Patron,
    amount: Decimal,
    staff: User | None,
    branch: Branch,
    at: datetime,
    desk: str = "",
) -> Payment:
    """Take `amount` from `patron`, settle their fines oldest first (the last one touched
    may be paid in part) and return the payment with its receipt number and lines. Records a
    PAYMENT event. Raises InvalidOperation for a non-positive amount or more than is owed."""
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
        staff=staff,
        desk=desk,
        at=at,
    )
    # Numbered after the row exists so that the number is unique without a counter:
    # branch, local date and the payment's id.
    payment.receipt_number = (
        f"{branch.code.upper()}-{timezone.localdate(at):%Y%m%d}-{payment.pk:06d}"
    )
    payment.save(update_fields=["receipt_number"])
    left = amount
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
        left -= part
    record_event(
        Kind.PAYMENT,
        at=at,
        branch=branch,
        staff=staff,
        desk=desk,
        patron=patron,
        amount=amount,
        detail={"receipt": payment.receipt_number},
    )
    return payment


@transaction.atomic
def waive(
    *, fine: Fine, reason: str, staff: User, at: datetime, branch: Branch | None = None
) -> Fine:
    """Forgive what is left of `fine`, for `reason`, and return it settled. Records a WAIVE
    event with the amount forgiven. Only staff can waive; raises InvalidOperation without a
    reason, without staff, or for a settled fine."""
    if staff is None:
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
    fine.waived_by = staff
    fine.waived_reason = reason.strip()
    fine.settled_at = at
    fine.updated_at = at
    fine.save(update_fields=["waived_at", "waived_by", "waived_reason", "settled_at", "updated_at"])
    record_event(
        Kind.WAIVE,
        at=at,
        branch=branch,
        staff=staff,
        patron=fine.patron,
        amount=forgiven,
        override_reason=fine.waived_reason,
        detail={"fine": fine.pk},
    )
    return fine
