"""Lending and returning: checkout, checkin, renewals, and loans that end otherwise (lost,
claimed returned).

Which branch's rule applies: the branch of the desk or terminal that lends the item (Koha's
default), whatever the item's own branch or the patron's home branch; a renewal keeps the
rule of the branch that lent the item, wherever it is renewed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.errors import (
    CheckoutRefused,
    InvalidOperation,
    RefusalReason,
    RenewalRefused,
)
from bibliohub.circulation.models import (
    CirculationEvent,
    Fine,
    FineKind,
    Hold,
    HoldStatus,
    Loan,
    LoanOutcome,
)
from bibliohub.circulation.prepared import PreparedQuery
from bibliohub.circulation.services import transfers
from bibliohub.circulation.services._common import (
    Kind,
    can_override,
    check_override,
    record_event,
    save_item_status,
)
from bibliohub.circulation.services.fines import (
    LostFound,
    accrue_overdue,
    charge,
    settle_found_copy,
)
from bibliohub.db import insert
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron


def _policy(*, branch: Branch | int, category: int | None, item_type: int) -> rules.Policy | None:
    try:
        return rules.load_policy(branch=branch, category=category, item_type=item_type)
    except rules.NoRuleApplies:
        return None


# The conflict target of the loan_one_open_per_item constraint (circulation/models.py).
_ONE_OPEN_LOAN_PER_ITEM = '("item_id") WHERE "returned_at" IS NULL'


def _locked_item_query(*, item_id: int):
    return Item.objects.select_for_update().filter(pk=item_id)


# Built once (see circulation/prepared.py): every checkout reads and locks its copy.
_LOCKED_ITEM = PreparedQuery(_locked_item_query, item_id=int)


def _locked_item(item_id: int) -> Item:
    """The copy as the database has it now, its row locked to the end of the transaction.
    Raises Item.DoesNotExist."""
    found = _LOCKED_ITEM.instances(item_id=item_id)
    if not found:
        raise Item.DoesNotExist("Item matching query does not exist.")
    return found[0]


def checkout(
    *,
    patron: Patron,
    item: Item,
    branch: Branch,
    staff: User | None,
    desk: str,
    at: datetime,
    override_reason: str | None = None,
) -> Loan:
    """Lend `item` to `patron` at `branch` and return the open loan, due by the rule of
    `branch` (see the module docstring). Fills the patron's own hold on the title, if the
    copy was for it. Records a CHECKOUT event (with the overridden reasons, if any).

    Refused with CheckoutRefused carrying every reason; the refusal is recorded as a REFUSAL
    event all the same (unmet demand is counted from them). When the copy is out
    (ITEM_ALREADY_ON_LOAN), the refusal carries the record id to place a hold on. Staff may
    override overridable reasons with `override_reason`; a terminal (staff=None) never:
    OverrideNotAllowed. Of two desks lending the same copy at once, exactly one wins; the
    other is refused with ITEM_ALREADY_ON_LOAN."""
    override = check_override(staff, override_reason)
    refusal: CheckoutRefused | None = None
    with transaction.atomic():
        # The item first, then the patron, everywhere: two desks wait for each other here
        # instead of deadlocking.
        item = _locked_item(item.pk)
        patron = selectors.fresh_patron(patron, lock=True)
        policy = _policy(branch=branch, category=patron.category_id, item_type=item.item_type_id)
        # Loans of the item's type are counted only under a rule that limits them: the count
        # reads every open loan's index entry, the others do not need to.
        type_limited = policy is not None and policy.max_loans_of_type is not None
        state = selectors.state_for(
            patron, at=at, item_type_id=item.item_type_id if type_limited else None
        )
        terms = (
            rules.load_terms(branch, timezone.localdate(at))
            if policy is not None and policy.due_at_end_of_term
            else []
        )
        hold = (
            selectors.first_hold_for_item(item, at=at)
            if item.status in (ItemStatus.AVAILABLE, ItemStatus.ON_HOLD_SHELF)
            else None
        )
        reasons = rules.checkout_refusals(
            policy,
            patron=state,
            item_status=item.status,
            held_for_another=hold is not None and hold.patron_id != patron.pk,
            borrowing_open=policy is None
            or rules.borrowing_open(policy, terms=terms, at=at, branch=branch),
        )
        loan = None
        if reasons and not can_override(reasons, override):
            refusal = CheckoutRefused(reasons, record_id=item.record_id)
        else:
            assert policy is not None  # NO_RULE cannot be overridden
            due_at = rules.due_date(
                policy,
                branch_calendar=rules.load_calendar(policy, branch=branch, start=at),
                start=at,
                terms=terms,
                branch=branch,
            )
            loan = Loan(
                item=item,
                patron=patron,
                branch=branch,
                staff=staff,
                desk=desk,
                item_type_id=item.item_type_id,
                checked_out_at=at,
                due_at=due_at,
                category_id=patron.category_id,
                age_band=patron.category.age_band,
                home_branch_id=patron.home_branch_id,
            )
            # The partial unique index on open loans is the last word when two desks race:
            # the loser's row is not inserted, and its transaction goes on to record the
            # refusal (no savepoint: two statements fewer per loan on PostgreSQL).
            if not insert(loan, unless_conflict=_ONE_OPEN_LOAN_PER_ITEM):
                loan = None
                refusal = CheckoutRefused(
                    [RefusalReason.ITEM_ALREADY_ON_LOAN], record_id=item.record_id
                )
        if loan is not None:
            save_item_status(item, ItemStatus.ON_LOAN)
            if hold is not None and hold.patron_id == patron.pk:
                hold.status = HoldStatus.FULFILLED
                hold.assigned_item = item
                hold.closed_at = at
                hold.save(update_fields=["status", "assigned_item", "closed_at"])
            elif hold is not None and hold.assigned_item_id == item.pk:
                # Lent past another reader's hold by override: that reader goes back to
                # waiting, at their place in the queue, for the next copy.
                hold.status = HoldStatus.WAITING
                hold.assigned_item = None
                hold.ready_at = hold.expires_at = None
                hold.save(update_fields=["status", "assigned_item", "ready_at", "expires_at"])
            record_event(
                Kind.CHECKOUT,
                at=at,
                branch=branch,
                staff=staff,
                desk=desk,
                item=item,
                patron=patron,
                loan=loan,
                hold=hold if hold is not None and hold.patron_id == patron.pk else None,
                reasons=reasons,
                override_reason=override if reasons else "",
            )
        else:
            assert refusal is not None
            record_event(
                Kind.REFUSAL,
                at=at,
                branch=branch,
                staff=staff,
                desk=desk,
                item=item,
                patron=patron,
                action=refusal.action,
                reasons=refusal.reasons,
                override_reason=override,
            )
    if refusal is not None:
        raise refusal
    assert loan is not None
    return loan


@dataclass(frozen=True)
class CheckinResult:
    """What a return did: the loan it closed (None if the item was not out), the overdue
    fine it settled on, the transfer it ended if the item was in transit (`received`), and
    where the item goes next: to `hold`, with `transfer` when that is elsewhere, or home with
    `transfer` (see transfers.route_item)."""

    item: Item
    loan: Loan | None
    fine: Fine | None
    hold: Hold | None
    transfer: transfers.Transfer | None
    received: transfers.Transfer | None = None
    # A copy marked lost that turned up: its charge cancelled or owed back.
    found: LostFound | None = None

    @property
    def patron(self) -> Patron | None:
        return self.loan.patron if self.loan is not None else None


@transaction.atomic
def checkin(
    *, item: Item, branch: Branch, staff: User | None, desk: str, at: datetime
) -> CheckinResult:
    """Take `item` back at `branch` (any branch) and say where it goes. Closes its open
    loan, with the overdue fine by the rule of the lending branch; for a copy marked lost,
    cancels or refunds its lost charge (fines.settle_found_copy); receives it if it was in
    transit; then the first hold it can fill takes it (hold shelf here, or in transit to the
    pickup branch); else an item of another branch goes in transit home; else it is back on
    the shelf. A patron without a reading history whose network forgets returned loans at
    once (delay 0) is unlinked from the loan now. Records a CHECKIN event (and the events of
    what followed). An item that was not on loan is still received and routed."""
    item = Item.objects.select_for_update().select_related("branch").get(pk=item.pk)
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("patron__category")
        .filter(item=item, returned_at__isnull=True)
        .first()
    )
    fine = None
    if loan is not None:
        fine = accrue_overdue(loan, at=at, staff=staff)
        loan.returned_at = at
        loan.returned_branch = branch
        loan.outcome = LoanOutcome.RETURNED
        loan.save(update_fields=["returned_at", "returned_branch", "outcome"])
    found = (
        settle_found_copy(item, at=at, branch=branch, staff=staff, desk=desk)
        if item.status == ItemStatus.LOST
        else None
    )
    received = transfers.receive(item, branch=branch, staff=staff, desk=desk, at=at)
    routing = transfers.route_item(item, branch=branch, staff=staff, desk=desk, at=at)
    patron = loan.patron if loan is not None else None
    if (
        loan is not None
        and patron is not None
        and not patron.reading_history
        and selectors.anonymise_delay(branch.network_id) == 0
    ):
        _anonymise(loan, at=at)
        patron = None
    record_event(
        Kind.CHECKIN,
        at=at,
        branch=branch,
        staff=staff,
        desk=desk,
        item=item,
        patron=patron,
        loan=loan,
        amount=fine.amount if fine is not None else None,
    )
    return CheckinResult(
        item=item,
        loan=loan,
        fine=fine,
        hold=routing.hold,
        transfer=routing.transfer,
        received=received,
        found=found,
    )


def _anonymise(loan: Loan, *, at: datetime) -> None:
    CirculationEvent.objects.filter(loan=loan).update(patron=None)
    loan.patron = None
    loan.anonymised_at = at
    loan.save(update_fields=["patron", "anonymised_at"])


def renew(
    *,
    loan: Loan,
    branch: Branch,
    staff: User | None,
    desk: str,
    at: datetime,
    override_reason: str | None = None,
) -> Loan:
    """Extend `loan` by its rule's renewal period from `at` (never earlier than it was due)
    and return it. The rule is that of the branch that lent the item. Records a RENEW event.

    Refused with RenewalRefused carrying every reason (the patron's blocks, other overdue
    items, no renewals left, a reader waiting for the title), recorded as a REFUSAL event.
    Staff may override overridable reasons; a terminal never (OverrideNotAllowed)."""
    override = check_override(staff, override_reason)
    refusal: RenewalRefused | None = None
    with transaction.atomic():
        loan = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("item", "branch")
            .get(pk=loan.pk)
        )
        item = loan.item
        patron = None
        if loan.patron_id is None:
            reasons = [RefusalReason.NOT_ON_LOAN]
            policy = None
        else:
            patron, state = selectors.patron_state(loan.patron_id, at=at)
            if loan.returned_at is None and loan.due_at < at:
                state = replace(state, overdue_loans=state.overdue_loans - 1)
            policy = _policy(
                branch=loan.branch_id, category=patron.category_id, item_type=loan.item_type_id
            )
            hold_waiting = _holds_block_renewal(
                loan, item=item, patron=patron, policy=policy, at=at
            )
            reasons = rules.renewal_refusals(
                policy,
                patron=state,
                renewals=loan.renewals,
                loan_open=loan.returned_at is None,
                hold_waiting=hold_waiting,
            )
        if reasons and not can_override(reasons, override):
            refusal = RenewalRefused(reasons, record_id=item.record_id)
            record_event(
                Kind.REFUSAL,
                at=at,
                branch=branch,
                staff=staff,
                desk=desk,
                item=item,
                patron=patron,
                loan=loan,
                action=refusal.action,
                reasons=reasons,
                override_reason=override,
            )
        else:
            assert policy is not None
            due_at = rules.due_date(
                policy,
                branch_calendar=rules.load_calendar(
                    policy, branch=loan.branch, start=at, renewal=True
                ),
                start=at,
                renewal=True,
                terms=rules.load_terms(loan.branch, timezone.localdate(at))
                if policy.due_at_end_of_term
                else [],
                branch=loan.branch,
            )
            loan.due_at = max(due_at, loan.due_at)
            loan.renewals += 1
            loan.save(update_fields=["due_at", "renewals"])
            record_event(
                Kind.RENEW,
                at=at,
                branch=branch,
                staff=staff,
                desk=desk,
                item=item,
                patron=patron,
                loan=loan,
                reasons=reasons,
                override_reason=override if reasons else "",
            )
    if refusal is not None:
        raise refusal
    return loan


def _holds_block_renewal(
    loan: Loan, *, item: Item, patron: Patron, policy: rules.Policy | None, at: datetime
) -> bool:
    """Whether other readers' waiting holds stop this renewal (see rules.hold_blocks_renewal).
    One query; copies of another item type than the loan's are holdable if their rule at the
    lending branch lends them and allows holds, which costs a query per such type, only when
    the copies of the loan's own type are not enough."""
    found = selectors.renewal_holds(item, patron_id=patron.pk, at=at)
    free = 0
    if policy is not None and policy.is_loanable and policy.holds_allowed:
        free = found.free_same_type
    if (
        found.free_other_types
        and found.on_title > free
        and not found.on_this_copy
        and policy is not None
        and policy.renew_if_other_copies
    ):
        for item_type_id, n in selectors.free_copies_by_type(item).items():
            if item_type_id == item.item_type_id:
                continue
            other = _policy(
                branch=loan.branch_id, category=patron.category_id, item_type=item_type_id
            )
            if other is not None and other.is_loanable and other.holds_allowed:
                free += n
    return rules.hold_blocks_renewal(
        policy,
        rules.HoldsOnTitle(
            on_this_copy=found.on_this_copy, on_title=found.on_title, other_copies=free
        ),
    )


@dataclass(frozen=True)
class RenewAllResult:
    renewed: list[Loan]
    refused: list[tuple[Loan, list[RefusalReason]]]


def renew_all(
    *, patron: Patron, branch: Branch, staff: User | None, desk: str, at: datetime
) -> RenewAllResult:
    """Renew every current loan of `patron`, each on its own (one transaction and one event
    each), and say which were renewed and which refused with their reasons."""
    renewed: list[Loan] = []
    refused: list[tuple[Loan, list[RefusalReason]]] = []
    for loan in list(selectors.loans_for(patron)):
        try:
            renewed.append(renew(loan=loan, branch=branch, staff=staff, desk=desk, at=at))
        except RenewalRefused as e:
            refused.append((loan, e.reasons))
    return RenewAllResult(renewed, refused)


def auto_renew(*, at: datetime, within: timedelta = timedelta(days=1)) -> RenewAllResult:
    """Renew the loans that asked for automatic renewal and fall due within `within` of
    `at` (scheduled daily). Refusals are recorded as usual; nothing is overridden."""
    renewed: list[Loan] = []
    refused: list[tuple[Loan, list[RefusalReason]]] = []
    due = Loan.objects.filter(
        returned_at__isnull=True, auto_renew=True, due_at__lte=at + within
    ).select_related("branch")
    for loan in list(due):
        try:
            renewed.append(
                renew(loan=loan, branch=loan.branch, staff=None, desk="auto-renewal", at=at)
            )
        except RenewalRefused as e:
            refused.append((loan, e.reasons))
    return RenewAllResult(renewed, refused)


def _close_open_loan(loan: Loan) -> Loan:
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("item", "patron__category")
        .get(pk=loan.pk)
    )
    if loan.returned_at is not None:
        raise InvalidOperation(_("This loan has already ended."))
    return loan


@transaction.atomic
def mark_lost(*, loan: Loan, branch: Branch, staff: User | None, at: datetime) -> Loan:
    """End `loan` as lost: the overdue fine stops growing at `at`, the item is lost, and its
    price (if known) is charged to the patron as a LOST fine. Records a LOST event. Raises
    InvalidOperation for a loan that has ended."""
    loan = _close_open_loan(loan)
    item = Item.objects.select_for_update().get(pk=loan.item_id)
    accrue_overdue(loan, at=at, staff=staff)
    loan.returned_at = at
    loan.returned_branch = branch
    loan.outcome = LoanOutcome.LOST
    loan.save(update_fields=["returned_at", "returned_branch", "outcome"])
    save_item_status(item, ItemStatus.LOST)
    if item.price and loan.patron is not None:
        charge(
            patron=loan.patron,
            kind=FineKind.LOST,
            amount=item.price,
            loan=loan,
            item=item,
            branch=branch,
            staff=staff,
            at=at,
        )
    record_event(
        Kind.LOST, at=at, branch=branch, staff=staff, item=item, patron=loan.patron, loan=loan
    )
    return loan


@transaction.atomic
def claims_returned(*, loan: Loan, branch: Branch, staff: User | None, at: datetime) -> Loan:
    """End `loan` because the patron says they returned the item: the overdue fine stops
    at `at` and the item is missing until it turns up (a checkin then routes it). Records a
    CLAIMS_RETURNED event. Raises InvalidOperation for a loan that has ended."""
    loan = _close_open_loan(loan)
    item = Item.objects.select_for_update().get(pk=loan.item_id)
    accrue_overdue(loan, at=at, staff=staff)
    loan.returned_at = at
    loan.returned_branch = branch
    loan.outcome = LoanOutcome.CLAIMS_RETURNED
    loan.save(update_fields=["returned_at", "returned_branch", "outcome"])
    save_item_status(item, ItemStatus.MISSING)
    record_event(
        Kind.CLAIMS_RETURNED,
        at=at,
        branch=branch,
        staff=staff,
        item=item,
        patron=loan.patron,
        loan=loan,
    )
    return loan


@transaction.atomic
def mark_damaged(
    *,
    item: Item,
    branch: Branch,
    staff: User,
    at: datetime,
    note: str = "",
    patron: Patron | None = None,
    amount: Decimal | None = None,
) -> Item:
    """Take a damaged item out of circulation (found at a return or on the shelf), charging
    `patron` `amount` for it if both are given. Records a DAMAGED event. Raises
    InvalidOperation for an item still on loan (check it in first)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.ON_LOAN:
        raise InvalidOperation(_("Check the item in before marking it damaged."))
    save_item_status(item, ItemStatus.DAMAGED)
    if patron is not None and amount:
        patron = Patron.objects.select_related("category").get(pk=patron.pk)
        charge(
            patron=patron,
            kind=FineKind.DAMAGED,
            amount=amount,
            item=item,
            branch=branch,
            staff=staff,
            at=at,
            note=note,
        )
    record_event(
        Kind.DAMAGED,
        at=at,
        branch=branch,
        staff=staff,
        item=item,
        patron=patron,
        detail={"note": note} if note else None,
    )
    return item
